import type { FastifyInstance } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { chatCompletionsDialect } from '../../dialects/openai/chat-completions.ts';
import { generationHandler } from '../../http/generation-route.ts';

const ENDPOINT = '/v1/chat/completions';

export function registerChatCompletionsRoute(app: FastifyInstance, context: EdgeContext): void {
  app.post(ENDPOINT, generationHandler(context, ENDPOINT, chatCompletionsDialect(context)));
}
