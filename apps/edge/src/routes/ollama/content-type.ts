import type { FastifyInstance } from 'fastify';

/**
 * Ollama reads every body as JSON whatever its Content-Type (curl's `-d` sends a form type, fetch a
 * text one), and its clients rely on that. In this scope a body that is not declared JSON arrives
 * as its text, and the Ollama dialects parse it (parseOllamaBody); declared JSON keeps the edge's parser.
 */
export function acceptAnyContentType(scope: FastifyInstance): void {
  scope.removeContentTypeParser(['text/plain']);
  scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}
