import type { FastifyInstance } from 'fastify';
import type { EdgeContext } from '../context.ts';
import { registerAnthropicRoutes } from './anthropic/messages.ts';
import { registerHealthRoutes } from './health.ts';
import { registerOllamaGenerationRoutes } from './ollama/generation.ts';
import { registerOllamaManagementRefusals } from './ollama/management.ts';
import { registerOllamaModelRoutes } from './ollama/models.ts';
import { acceptAnyContentType } from './ollama/content-type.ts';
import { registerOllamaRootRoute } from './ollama/root.ts';
import { registerChatCompletionsRoute } from './openai/chat-completions.ts';
import { registerCompletionsRoute } from './openai/completions.ts';
import { registerEmbeddingsRoute } from './openai/embeddings.ts';
import { registerBatchRoutes } from './openai/batches.ts';
import { registerFileRoutes } from './openai/files.ts';
import { registerModelRoutes } from './openai/models.ts';
import { registerResponsesRoutes } from './openai/responses.ts';

export function registerRoutes(app: FastifyInstance, context: EdgeContext): void {
  registerHealthRoutes(app, context);
  registerModelRoutes(app, context);
  registerChatCompletionsRoute(app, context);
  registerCompletionsRoute(app, context);
  registerEmbeddingsRoute(app, context);
  registerResponsesRoutes(app, context);
  registerFileRoutes(app, context);
  registerBatchRoutes(app, context);
  registerAnthropicRoutes(app, context);
  registerOllamaRootRoute(app);
  registerOllamaModelRoutes(app, context);
  void app.register(async (ollama) => {
    acceptAnyContentType(ollama);
    registerOllamaGenerationRoutes(ollama, context);
    registerOllamaManagementRefusals(ollama, context);
  });
}
