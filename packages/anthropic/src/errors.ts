/**
 * Anthropic's error value and envelope. Every failure of this package is one of these values; the
 * edge renders it with `renderAnthropicError` and uses `status` as the HTTP status.
 */

export const AnthropicErrorType = {
  invalidRequest: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  notFound: 'not_found_error',
  requestTooLarge: 'request_too_large',
  rateLimit: 'rate_limit_error',
  api: 'api_error',
  overloaded: 'overloaded_error',
} as const;
export type AnthropicErrorType = (typeof AnthropicErrorType)[keyof typeof AnthropicErrorType];

export interface AnthropicError {
  status: number;
  type: AnthropicErrorType;
  message: string;
}

/** `{"type":"error","error":{"type","message"}}`: the body of an error answer and the data of a stream's `error` event. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AnthropicError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure<T = never>(error: AnthropicError): Result<T> {
  return { ok: false, error };
}

export function invalidRequest(message: string): AnthropicError {
  return { status: 400, type: AnthropicErrorType.invalidRequest, message };
}

export function renderAnthropicError(error: Pick<AnthropicError, 'type' | 'message'>): AnthropicErrorBody {
  return { type: 'error', error: { type: error.type, message: error.message } };
}

/** Thrown inside a translation and caught once at its boundary (see `attempt`). */
class TranslationFailure extends Error {
  constructor(readonly error: AnthropicError) {
    super(error.message);
  }
}

export function fail(error: AnthropicError): never {
  throw new TranslationFailure(error);
}

/** Runs a translation that refuses with `fail`, as a Result. */
export function attempt<T>(translate: () => T): Result<T> {
  try {
    return ok(translate());
  } catch (error) {
    if (error instanceof TranslationFailure) return failure(error.error);
    throw error;
  }
}
