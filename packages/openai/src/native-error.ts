import { errorBodyMessage } from '@corral/ollama';
import {
  badGateway,
  invalidRequest,
  OpenAIErrorType,
  permissionDenied,
  rateLimited,
  serverBusy,
  serverError,
  timedOut,
  type OpenAIError,
} from './errors.ts';

/** Reads Ollama's `{"error": "..."}` body; anything else is taken as plain text. */
export function nativeErrorMessage(body: string): string {
  const message = errorBodyMessage(body);
  if (message !== undefined) return message;
  const trimmed = body.trim();
  return trimmed === '' ? 'Upstream model server returned an error.' : trimmed;
}

/** Native 400 messages that point at one OpenAI parameter (reference §4). */
const parameterHints: ReadonlyArray<{ pattern: RegExp; param: string }> = [
  { pattern: /does not support tools/, param: 'tools' },
  { pattern: /does not support thinking|invalid think value/, param: 'reasoning_effort' },
  { pattern: /does not support insert/, param: 'suffix' },
  { pattern: /top_logprobs must be/, param: 'top_logprobs' },
  { pattern: /only supports one image/, param: 'messages' },
  { pattern: /input length exceeds the context length|invalid input/, param: 'input' },
  { pattern: /invalid format/, param: 'response_format' },
];

function hintedParameter(message: string): string | null {
  return parameterHints.find((hint) => hint.pattern.test(message))?.param ?? null;
}

/**
 * Maps an error returned by Ollama (HTTP status + body) to the OpenAI error the caller sees.
 * A native 401/403 concerns the worker's own upstream (cloud sign-in), not the caller's key,
 * so 401 becomes a 502 rather than an "invalid API key" the caller cannot fix.
 */
export function openAIErrorFromNative(status: number, body: string): OpenAIError {
  const message = nativeErrorMessage(body);
  if (status === 400 || status === 422) return invalidRequest(message, hintedParameter(message));
  if (status === 401) return badGateway(`Upstream model server refused authentication: ${message}`);
  if (status === 403) return permissionDenied(message);
  if (status === 404) {
    return { status: 404, message, type: OpenAIErrorType.invalidRequest, param: 'model', code: 'model_not_found' };
  }
  if (status === 408 || status === 504) return timedOut(message);
  if (status === 429) return rateLimited(message);
  if (status === 499) return { status: 499, message, type: OpenAIErrorType.invalidRequest, param: null, code: 'request_cancelled' };
  if (status === 503) return serverBusy(message);
  if (status === 502) return badGateway(message);
  if (status >= 400 && status < 500) return { status, message, type: OpenAIErrorType.invalidRequest, param: hintedParameter(message), code: null };
  // 500 from Ollama covers load failures and bad option types; keep its text, it is the useful part.
  return { ...serverError(message), status: status >= 500 && status < 600 ? status : 500 };
}
