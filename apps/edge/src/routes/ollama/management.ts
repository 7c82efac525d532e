import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { FailureKind, HttpError } from '../../errors/http-error.ts';
import { identifyCaller } from '../../pipeline/access.ts';

const REFUSAL =
  'model management is not available through Corral: models are installed on each Ollama host by its operator (ollama pull on that host); Corral serves what the fleet has';

/**
 * Ollama's model management (`/api/pull`, `/api/push`, `/api/create`, `/api/copy`, `/api/delete`,
 * `/api/blobs/*`) is refused with a 403 that says why: Corral is a gateway in front of many hosts,
 * and what each host holds is decided there. The key is checked first, as on every endpoint.
 */
export function registerOllamaManagementRefusals(app: FastifyInstance, context: EdgeContext): void {
  const refuse = async (request: FastifyRequest): Promise<never> => {
    identifyCaller(context, request.headers);
    throw new HttpError(403, FailureKind.Permission, REFUSAL, { code: 'model_management_unavailable' });
  };
  for (const path of ['/api/pull', '/api/push', '/api/create', '/api/copy']) app.post(path, refuse);
  app.delete('/api/delete', refuse);
  app.post('/api/blobs/*', refuse);
  app.head('/api/blobs/*', refuse);
}
