import { AnthropicErrorType, renderAnthropicError, type AnthropicError, type AnthropicErrorBody, type Result } from '@corral/anthropic';
import { FailureKind, HttpError, kindOfStatus } from '../../errors/http-error.ts';

/** Anthropic's status for "no capacity right now": its SDKs retry it like a 503. */
const OVERLOADED_STATUS = 529;

/** The edge's error kind → Anthropic's error type, refined by status where Anthropic has a type of its own. */
function anthropicType(error: HttpError): AnthropicErrorType {
  if (error.status === 413) return AnthropicErrorType.requestTooLarge;
  switch (error.kind) {
    case FailureKind.InvalidRequest:
      return AnthropicErrorType.invalidRequest;
    case FailureKind.Authentication:
      return AnthropicErrorType.authentication;
    case FailureKind.Permission:
      return AnthropicErrorType.permission;
    case FailureKind.NotFound:
      return AnthropicErrorType.notFound;
    case FailureKind.RateLimit:
      return AnthropicErrorType.rateLimit;
    case FailureKind.Unavailable:
      return AnthropicErrorType.overloaded;
    case FailureKind.Upstream:
    case FailureKind.Internal:
      return AnthropicErrorType.api;
  }
}

/** `{"type":"error","error":{"type","message"}}`, for answers and for a stream's `error` event. */
export function anthropicErrorBody(error: HttpError): AnthropicErrorBody {
  return renderAnthropicError({ type: anthropicType(error), message: error.message });
}

/** No worker could take the job (none, all busy or draining, Ollama away): 529 overloaded_error, as Anthropic answers. */
export function anthropicErrorStatus(error: HttpError): number {
  return error.kind === FailureKind.Unavailable ? OVERLOADED_STATUS : error.status;
}

export function fromAnthropicError(error: AnthropicError): HttpError {
  return new HttpError(error.status, kindOfStatus(error.status), error.message);
}

/** The value of a translation that succeeded; a refusal is thrown as the edge's error value. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw fromAnthropicError(result.error);
  return result.value;
}
