import type { FastifyInstance } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { embeddingsDialect } from '../../dialects/openai/embeddings.ts';
import { generationHandler } from '../../http/generation-route.ts';

const ENDPOINT = '/v1/embeddings';

export function registerEmbeddingsRoute(app: FastifyInstance, context: EdgeContext): void {
  app.post(ENDPOINT, generationHandler(context, ENDPOINT, embeddingsDialect(context)));
}
