/** Why a fetch was refused or failed; callers map these to their own error envelopes. */
export const SafeFetchErrorCode = {
  invalidUrl: 'invalid_url',
  blockedAddress: 'blocked_address',
  tooLarge: 'too_large',
  timeout: 'timeout',
  badStatus: 'bad_status',
  badContentType: 'bad_content_type',
  tooManyRedirects: 'too_many_redirects',
  network: 'network',
} as const;
export type SafeFetchErrorCode = (typeof SafeFetchErrorCode)[keyof typeof SafeFetchErrorCode];

export class SafeFetchError extends Error {
  override readonly name = 'SafeFetchError';
  readonly code: SafeFetchErrorCode;

  constructor(code: SafeFetchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** undici wraps errors raised inside its connector; the refusal we raised may sit in the cause chain. */
export function findSafeFetchError(error: unknown): SafeFetchError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof SafeFetchError) return current;
    current = current.cause;
  }
  return undefined;
}
