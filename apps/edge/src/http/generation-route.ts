import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../context.ts';
import type { Dialect } from '../pipeline/dialect.ts';
import { runGeneration } from '../pipeline/generate.ts';
import { clientGoneSignal } from './client-gone.ts';
import { ReplySink } from './reply-sink.ts';

/** A fastify handler that runs each request to `endpoint` through the generation pipeline in `dialect`. */
export function generationHandler<Request, Chunk>(context: EdgeContext, endpoint: string, dialect: Dialect<Request, Chunk>) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const input = { endpoint, requestId: request.id, headers: request.headers, body: request.body, signal: clientGoneSignal(reply.raw) };
    await runGeneration(context, dialect, input, new ReplySink(reply));
    return reply;
  };
}
