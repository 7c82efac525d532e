import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorDialects } from '../errors/error-dialects.ts';
import { FailureKind, HttpError, kindOfStatus, toHttpError } from '../errors/http-error.ts';
import { DISCARD_IDLE_MS, discardRequestBody } from './drain-request.ts';
import { isDecompressionError } from './request-encoding.ts';

/** Fastify's own failures (body parsing, size, media type) explained in words a client can act on. */
function describeFrameworkError(error: FastifyError): HttpError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, FailureKind.InvalidRequest, 'The request body is too large.', { code: 'request_too_large' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpError(400, FailureKind.InvalidRequest, 'The request body is empty; expected a JSON object.', { code: 'invalid_json' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, FailureKind.InvalidRequest, 'Unsupported Content-Type; send the body as application/json.', { code: 'unsupported_media_type' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpError(400, FailureKind.InvalidRequest, `The request body is not valid JSON: ${error.message}`, { code: 'invalid_json' });
  }
  if (isDecompressionError(error)) {
    return new HttpError(400, FailureKind.InvalidRequest, `The request body could not be decompressed as its Content-Encoding says (${(error as Error).message}).`, { code: 'invalid_content_encoding' });
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON/i.test(error.message))) {
    return new HttpError(400, FailureKind.InvalidRequest, `The request body is not valid JSON: ${error.message}`, { code: 'invalid_json' });
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new HttpError(error.statusCode, kindOfStatus(error.statusCode), error.message);
  }
  return undefined;
}

/** What fastify (or a hook) threw, as the edge's one error value. */
export function fromFrameworkError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  return describeFrameworkError(error as FastifyError) ?? toHttpError(error);
}

/** Answers with the error in the dialect of the path that failed. */
export function sendHttpError(reply: FastifyReply, error: HttpError, dialects: ErrorDialects): FastifyReply {
  if (error.extra.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.extra.retryAfterSeconds));
  return reply.code(error.status).type('application/json; charset=utf-8').send(dialects.render(reply.request.url, error));
}

/**
 * What to do with the rest of a body refused as too large; true when the connection stays usable.
 * The rest is read and dropped before answering, so a client still uploading reads the answer
 * instead of a reset (EPIPE): Node stops reading a request once its answer is written. A declared
 * length over the limit is refused before a byte is read, and its client may never send the body:
 * the answer goes out as soon as the client has been quiet for DISCARD_IDLE_MS, not after the
 * whole discard allowance, and the connection then closes. A client that sent
 * `Expect: 100-continue` is answered at once: it was never told to go on (see installExpectationHandling).
 */
function settleRefusedBody(request: FastifyRequest): Promise<boolean> {
  const declaredLength = Number(request.headers['content-length']);
  const declaredTooLarge = declaredLength > request.routeOptions.bodyLimit;
  // It asked first and was not told to go on: it sends nothing until it reads this answer.
  if (declaredTooLarge && /100-continue/i.test(request.headers.expect ?? '')) return Promise.resolve(false);
  return discardRequestBody(request.raw, declaredTooLarge ? { idleMs: DISCARD_IDLE_MS } : {});
}

const ROUTE_METHODS = ['GET', 'POST', 'DELETE'] as const;

export function installErrorHandling(app: FastifyInstance, dialects: ErrorDialects): void {
  app.setErrorHandler(async (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const httpError = fromFrameworkError(error);
    if (httpError.status >= 500) request.log.error({ err: error }, 'request failed');
    if (httpError.status === 413 && !(await settleRefusedBody(request))) reply.header('connection', 'close');
    return sendHttpError(reply, httpError, dialects);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // A known path asked with the wrong method is a 405 naming the right ones, as Ollama answers too.
    const allowed = ROUTE_METHODS.filter((method) => app.findRoute({ method, url: path }) !== null);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendHttpError(reply, new HttpError(405, FailureKind.InvalidRequest, `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}.`, { code: 'method_not_allowed' }), dialects);
    }
    return sendHttpError(reply, new HttpError(404, FailureKind.NotFound, `Unknown request URL: ${request.method} ${path}.`, { code: 'unknown_url' }), dialects);
  });
}
