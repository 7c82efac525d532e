import type { OpenAIError, OpenAIErrorBody, OpenAIErrorType, Result } from '@corral/openai';
import { FailureKind, HttpError, kindOfStatus } from '../../errors/http-error.ts';

const OPENAI_TYPE: Record<FailureKind, OpenAIErrorType> = {
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

/** The edge's error as OpenAI's value (what the Responses stream reports in `response.failed`). */
export function asOpenAIError(error: HttpError): OpenAIError {
  // A spent budget is its own type at OpenAI (`insufficient_quota`), not a rate limit to wait out.
  const type = error.extra.code === 'insufficient_quota' ? 'insufficient_quota' : OPENAI_TYPE[error.kind];
  return { status: error.status, message: error.message, type, param: error.extra.param ?? null, code: error.extra.code ?? null };
}

/** OpenAI's error envelope: {"error":{"message","type","param","code"}}. */
export function openAIErrorBody(error: HttpError): OpenAIErrorBody {
  const { message, type, param, code } = asOpenAIError(error);
  return { error: { message, type, param, code } };
}

/** A translation failure from @corral/openai as the edge's one error value. */
export function fromOpenAIError(error: OpenAIError): HttpError {
  return new HttpError(error.status, kindOfStatus(error.status), error.message, {
    ...(error.code ? { code: error.code } : {}),
    ...(error.param ? { param: error.param } : {}),
  });
}

/** The value of a translation that succeeded; a refusal is thrown as the edge's error value. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw fromOpenAIError(result.error);
  return result.value;
}

/** Throws a refusal when there is one. */
export function refuse(error: OpenAIError | undefined): void {
  if (error) throw fromOpenAIError(error);
}
