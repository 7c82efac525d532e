import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorDialects } from '../errors/error-dialects.ts';
import { FailureKind, HttpError } from '../errors/http-error.ts';
import { fromFrameworkError, sendHttpError } from './error-handler.ts';
import { tagWithRequestId } from './request-id.ts';

/** A URL is echoed in a message only this far: the message should name it, not repeat 16 KB of it. */
const MAX_ECHOED_URL = 200;

function echoedPath(request: FastifyRequest): string {
  const path = request.url.split('?')[0] ?? '/';
  return path.length > MAX_ECHOED_URL ? `${path.slice(0, MAX_ECHOED_URL)}…` : path;
}

/** What the router's own refusals mean to a client, as the edge's one error value. */
function describeRoutingError(error: FastifyError, request: FastifyRequest): HttpError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new HttpError(400, FailureKind.InvalidRequest, `The request URL is not valid: ${echoedPath(request)} has a malformed percent-escape.`, { code: 'invalid_url' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // An id longer than the router reads is longer than any id Corral issues: nothing has it.
      return new HttpError(404, FailureKind.NotFound, `Nothing exists at ${request.method} ${echoedPath(request)}: the id in it is longer than any that exists.`, { code: 'not_found' });
  }
  return fromFrameworkError(error);
}

/**
 * fastify's `frameworkErrors`: refusals the router makes before any route or hook runs, answered in
 * the dialect of the path (fastify's own body would not parse in an SDK) and with the request id the
 * hooks would have set.
 */
export function routingErrorAnswerer(dialects: ErrorDialects): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => void {
  return (error, request, reply) => {
    tagWithRequestId(request, reply);
    void sendHttpError(reply, describeRoutingError(error, request), dialects);
  };
}
