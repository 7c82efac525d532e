import type { FastifyInstance } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { completionsDialect } from '../../dialects/openai/completions.ts';
import { generationHandler } from '../../http/generation-route.ts';

const ENDPOINT = '/v1/completions';

export function registerCompletionsRoute(app: FastifyInstance, context: EdgeContext): void {
  app.post(ENDPOINT, generationHandler(context, ENDPOINT, completionsDialect(context)));
}
