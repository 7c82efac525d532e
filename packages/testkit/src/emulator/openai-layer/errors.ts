import type { ServerResponse } from 'node:http';
import { OllamaError } from '../errors.ts';
import { writeJson } from '../http-io.ts';

/** openai.NewError: the error type is derived from the HTTP status alone. */
export function errorEnvelope(status: number, message: string): { error: Record<string, unknown> } {
  const type = status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error';
  return { error: { message, type, param: null, code: null } };
}

export function writeOpenAiError(response: ServerResponse, error: unknown): void {
  const failure = error instanceof OllamaError ? error : new OllamaError(500, String(error));
  writeJson(response, failure.status, errorEnvelope(failure.status, failure.message), 'application/json');
}

/** The middleware's own request-decoding failures are 400s. */
export function badRequest(message: string): OllamaError {
  return new OllamaError(400, message);
}
