import { AccountingCallError, callAccounting, type Bus } from '@corral/bus';
import type { Message } from '@corral/ollama';
import type { ResponseItemResource, ResponseObject } from '@corral/openai';
import type { StoredResponse } from '@corral/protocol';
import { FailureKind, HttpError } from '../../errors/http-error.ts';

/** A store write should not hold a finished answer back for long; reads are on the request path. */
const ACCOUNTING_TIMEOUT_MS = 5_000;

function unavailable(error: unknown): HttpError {
  const detail = error instanceof AccountingCallError ? error.message : 'the response store did not answer';
  return new HttpError(503, FailureKind.Unavailable, `Stored responses are unavailable right now (${detail}).`, { code: 'response_store_unavailable' });
}

/**
 * Reads a stored response through accounting. A missing id and another key's response look the
 * same (null): a key learns nothing about responses it does not own.
 */
export async function loadStoredResponse(bus: Bus, keyId: string | null, id: string): Promise<StoredResponse | null> {
  try {
    return await callAccounting(bus, 'responses.get', { id, keyId }, ACCOUNTING_TIMEOUT_MS);
  } catch (error) {
    // An id the store could never hold (a NUL or other control character, too long: see ResponseId)
    // is refused before it leaves the edge, and simply does not exist.
    if (error instanceof AccountingCallError && error.code === 'bad_request') return null;
    throw unavailable(error);
  }
}

/** Deletes a stored response of the caller's key; false when there is none (missing or another key's). */
export async function deleteStoredResponse(bus: Bus, keyId: string | null, id: string): Promise<boolean> {
  try {
    return (await callAccounting(bus, 'responses.delete', { id, keyId }, ACCOUNTING_TIMEOUT_MS)).deleted;
  } catch (error) {
    if (error instanceof AccountingCallError && error.code === 'bad_request') return false;
    throw unavailable(error);
  }
}

/** The conversation of `previous_response_id`, or OpenAI's 404 when the caller has no such response. */
export async function loadConversation(bus: Bus, keyId: string | null, id: string): Promise<Message[]> {
  const stored = await loadStoredResponse(bus, keyId, id);
  if (!stored) {
    throw new HttpError(404, FailureKind.NotFound, `Previous response with id '${id}' not found.`, { code: 'previous_response_not_found', param: 'previous_response_id' });
  }
  return stored.messages as unknown as Message[];
}

export interface ResponseToStore {
  keyId: string | null;
  response: ResponseObject;
  /** The native conversation including the response's output (what a chained request continues). */
  messages: readonly Message[];
  /** The request's own input as OpenAI items (what GET /v1/responses/{id}/input_items lists). */
  inputItems: readonly ResponseItemResource[];
}

/** Persists a response for chaining and retrieval; false when the store could not take it. */
export async function storeResponse(bus: Bus, stored: ResponseToStore): Promise<boolean> {
  try {
    const result = await callAccounting(
      bus,
      'responses.put',
      {
        id: stored.response.id,
        keyId: stored.keyId,
        model: stored.response.model,
        messages: stored.messages as unknown as Record<string, unknown>[],
        output: stored.response,
        inputItems: stored.inputItems as unknown as Record<string, unknown>[],
        createdAt: new Date(stored.response.created_at * 1000).toISOString(),
      },
      ACCOUNTING_TIMEOUT_MS,
    );
    return result.stored;
  } catch {
    return false;
  }
}
