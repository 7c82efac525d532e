import { FailureKind, type HttpError } from './http-error.ts';

const OPENAI_TYPE: Record<FailureKind, string> = {
  [FailureKind.InvalidRequest]: 'invalid_request_error',
  // OpenAI itself answers a missing or wrong key with invalid_request_error (code invalid_api_key).
  [FailureKind.Authentication]: 'invalid_request_error',
  [FailureKind.Permission]: 'permission_error',
  [FailureKind.NotFound]: 'invalid_request_error',
  [FailureKind.RateLimit]: 'rate_limit_error',
  [FailureKind.Unavailable]: 'server_error',
  [FailureKind.Upstream]: 'server_error',
  [FailureKind.Internal]: 'server_error',
};

/** OpenAI's error envelope: {"error":{"message","type","param","code"}}. */
export function renderOpenAIError(error: HttpError): { error: { message: string; type: string; param: string | null; code: string | null } } {
  return {
    error: {
      message: error.message,
      type: OPENAI_TYPE[error.kind],
      param: error.extra.param ?? null,
      code: error.extra.code ?? null,
    },
  };
}
