import { listInputItems, parseInputItemsQuery, type ResponseItemList, type ResponseItemResource } from '@corral/openai';
import type { StoredResponse } from '@corral/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { fromOpenAIError } from '../../dialects/openai/errors.ts';
import { responsesDialect } from '../../dialects/openai/responses.ts';
import { deleteStoredResponse, loadStoredResponse } from '../../dialects/openai/stored-responses.ts';
import { FailureKind, HttpError } from '../../errors/http-error.ts';
import { generationHandler } from '../../http/generation-route.ts';
import { identifyCaller } from '../../pipeline/access.ts';

const ENDPOINT = '/v1/responses';

export function registerResponsesRoutes(app: FastifyInstance, context: EdgeContext): void {
  app.post(ENDPOINT, generationHandler(context, ENDPOINT, responsesDialect(context)));
  app.get(`${ENDPOINT}/:id`, (request) => retrieveResponse(context, request));
  app.delete(`${ENDPOINT}/:id`, (request) => deleteResponse(context, request));
  app.get(`${ENDPOINT}/:id/input_items`, (request) => listResponseInputItems(context, request));
}

function responseNotFound(id: string): HttpError {
  return new HttpError(404, FailureKind.NotFound, `Response with id '${id}' not found.`, { code: 'not_found', param: 'response_id' });
}

/** Who asks (their key id, null without auth) and for which response id. */
function target(context: EdgeContext, request: FastifyRequest): { keyId: string | null; id: string } {
  const caller = identifyCaller(context, request.headers);
  return { keyId: caller.key?.id ?? null, id: (request.params as { id: string }).id };
}

/** The caller's stored response; a missing id and another key's response are the same 404. */
async function ownStoredResponse(context: EdgeContext, keyId: string | null, id: string): Promise<StoredResponse> {
  const stored = await loadStoredResponse(context.bus, keyId, id);
  if (!stored) throw responseNotFound(id);
  return stored;
}

/** GET /v1/responses/{id}: a stored response of the caller's key; anything else is a 404. */
async function retrieveResponse(context: EdgeContext, request: FastifyRequest): Promise<unknown> {
  const { keyId, id } = target(context, request);
  return (await ownStoredResponse(context, keyId, id)).output;
}

/** DELETE /v1/responses/{id}: afterwards, retrieving or chaining onto the id is a 404. */
async function deleteResponse(context: EdgeContext, request: FastifyRequest): Promise<{ id: string; object: 'response'; deleted: true }> {
  const { keyId, id } = target(context, request);
  if (!(await deleteStoredResponse(context.bus, keyId, id))) throw responseNotFound(id);
  return { id, object: 'response', deleted: true };
}

/**
 * GET /v1/responses/{id}/input_items: the items of that request's own `input`, as stored with it.
 * Like OpenAI, the items of the responses before it in a `previous_response_id` chain are not
 * included (each response lists its own). A response stored before input items were kept lists none.
 */
async function listResponseInputItems(context: EdgeContext, request: FastifyRequest): Promise<ResponseItemList> {
  const { keyId, id } = target(context, request);
  const query = parseInputItemsQuery(request.query as Record<string, unknown>);
  if (!query.ok) throw fromOpenAIError(query.error);
  const stored = await ownStoredResponse(context, keyId, id);
  const page = listInputItems((stored.inputItems ?? []) as unknown as ResponseItemResource[], query.value);
  if (!page.ok) throw fromOpenAIError(page.error);
  return page.value;
}
