import { errorBodyMessage } from '@corral/ollama';
import { ErrorCode, type BusError } from '@corral/protocol';

const MAX_MESSAGE_LENGTH = 1000;

/** Ollama answers errors as `{"error":"…"}`; anything else is reported as the status text. */
export function errorMessageFromBody(status: number, bodyText: string): string {
  const message = errorBodyMessage(bodyText);
  if (message !== undefined) return truncate(message);
  // Not Ollama's error body (e.g. gin's "404 page not found"): the raw text.
  const text = bodyText.trim();
  return truncate(text.length > 0 ? text : `upstream answered HTTP ${status}`);
}

/** Maps an Ollama HTTP error (before any byte of the body was streamed) to a bus error. */
export function errorFromStatus(status: number, bodyText: string): BusError {
  const message = errorMessageFromBody(status, bodyText);
  switch (status) {
    case 400:
      return { code: ErrorCode.BadRequest, message, status, retryable: false };
    case 404:
      return { code: ErrorCode.ModelNotFound, message, status, retryable: false };
    case 429:
    case 503:
      return { code: ErrorCode.UpstreamBusy, message, status, retryable: true };
    case 499:
      return { code: ErrorCode.Cancelled, message, status, retryable: false };
    default:
      return { code: ErrorCode.UpstreamError, message, status, retryable: false };
  }
}

/** The connection to Ollama failed before it answered: nothing ran, another worker may try. */
export function unavailableError(cause: unknown): BusError {
  return { code: ErrorCode.UpstreamUnavailable, message: `ollama is unreachable: ${describe(cause)}`, retryable: true };
}

/** The connection dropped while the answer was streaming: part of it may have reached the caller. */
export function lostMidStreamError(cause: unknown): BusError {
  return { code: ErrorCode.UpstreamError, message: `connection to ollama lost mid-stream: ${describe(cause)}`, retryable: false };
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} ${cause.message}` : cause.message;
  }
  return String(cause);
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
}
