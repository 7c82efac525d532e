import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A fresh id for one request. Never taken from the client: it is the usage row's id (and the usage
 * stream's deduplication key), so a caller must not be able to choose or repeat it.
 */
export function newRequestId(): string {
  return randomUUID();
}

/** Names the request on its answer (streamed answers go through the reply too, so they carry it). */
export function tagWithRequestId(request: FastifyRequest, reply: FastifyReply): void {
  reply.header(REQUEST_ID_HEADER, request.id);
}

/**
 * Every answer that goes through routing carries its request id (fastify's `genReqId`), whatever it
 * turns out to be: a 401, an unknown URL, a refused body. Install it first, before hooks that may
 * answer on their own (CORS preflights).
 */
export function installRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    tagWithRequestId(request, reply);
    done();
  });
}
