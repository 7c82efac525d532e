import type { FastifyInstance } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { chatDialect } from '../../dialects/ollama/chat.ts';
import { embedDialect, embeddingsDialect } from '../../dialects/ollama/embed.ts';
import { generateDialect } from '../../dialects/ollama/generate.ts';
import { showDialect } from '../../dialects/ollama/show.ts';
import { generationHandler } from '../../http/generation-route.ts';

/** Ollama's native generation endpoints, each on the one generation pipeline. */
export function registerOllamaGenerationRoutes(app: FastifyInstance, context: EdgeContext): void {
  app.post('/api/chat', generationHandler(context, '/api/chat', chatDialect()));
  app.post('/api/generate', generationHandler(context, '/api/generate', generateDialect()));
  app.post('/api/embed', generationHandler(context, '/api/embed', embedDialect()));
  app.post('/api/embeddings', generationHandler(context, '/api/embeddings', embeddingsDialect()));
  app.post('/api/show', generationHandler(context, '/api/show', showDialect()));
}
