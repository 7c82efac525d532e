import type { FastifyInstance } from 'fastify';

/** `GET /` and `HEAD /`: how Ollama's clients (and Open WebUI's connection check) tell an Ollama is there. */
export function registerOllamaRootRoute(app: FastifyInstance): void {
  app.get('/', async (_request, reply) => reply.type('text/plain; charset=utf-8').send('Ollama is running'));
}
