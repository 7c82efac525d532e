/**
 * The OpenAI error value and its envelope. Every failure of this package is one of these values;
 * the edge renders it once with `renderOpenAIError` and uses `status` as the HTTP status.
 */

import { excerpt } from './shared/excerpt.ts';

export const OpenAIErrorType = {
  invalidRequest: 'invalid_request_error',
  authentication: 'authentication_error',
  permission: 'permission_error',
  notFound: 'not_found_error',
  rateLimit: 'rate_limit_error',
  insufficientQuota: 'insufficient_quota',
  server: 'server_error',
} as const;
export type OpenAIErrorType = (typeof OpenAIErrorType)[keyof typeof OpenAIErrorType];

export interface OpenAIError {
  status: number;
  message: string;
  type: OpenAIErrorType;
  /** The request parameter at fault, as a path (`messages[0].content`), or null. */
  param: string | null;
  code: string | null;
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: OpenAIError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function failure<T = never>(error: OpenAIError): Result<T> {
  return { ok: false, error };
}

export function renderOpenAIError(error: OpenAIError): OpenAIErrorBody {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

export function invalidRequest(message: string, param: string | null = null, code: string | null = null): OpenAIError {
  return { status: 400, message, type: OpenAIErrorType.invalidRequest, param, code };
}

/** A parameter Corral understands but cannot honour: refused rather than silently ignored. */
export function unsupportedParameter(param: string, reason?: string): OpenAIError {
  const detail = reason === undefined ? '' : ` ${reason}`;
  return invalidRequest(`Unsupported parameter: '${param}' is not supported by this server.${detail}`, param, 'unsupported_parameter');
}

export function unsupportedValue(param: string, message: string): OpenAIError {
  return invalidRequest(message, param, 'unsupported_value');
}

export function missingParameter(param: string): OpenAIError {
  return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}

export function invalidValue(param: string, detail: string): OpenAIError {
  return invalidRequest(`Invalid value for '${param}': ${detail}`, param, 'invalid_value');
}

/** OpenAI answers a bad key with a 401 whose type is invalid_request_error and code invalid_api_key. */
export function invalidApiKey(message = 'Incorrect API key provided.'): OpenAIError {
  return { status: 401, message, type: OpenAIErrorType.invalidRequest, param: null, code: 'invalid_api_key' };
}

export function missingApiKey(): OpenAIError {
  return {
    status: 401,
    message: "You didn't provide an API key. Provide it in the Authorization header (Bearer auth).",
    type: OpenAIErrorType.invalidRequest,
    param: null,
    code: 'missing_api_key',
  };
}

export function permissionDenied(message: string, code: string | null = null): OpenAIError {
  return { status: 403, message, type: OpenAIErrorType.permission, param: null, code };
}

/** OpenAI's wording and code for an unknown model (or one the key may not use). */
export function modelNotFound(model: string): OpenAIError {
  return {
    status: 404,
    message: `The model \`${excerpt(model)}\` does not exist or you do not have access to it.`,
    type: OpenAIErrorType.invalidRequest,
    param: 'model',
    code: 'model_not_found',
  };
}

export function notFound(message: string, param: string | null = null): OpenAIError {
  return { status: 404, message, type: OpenAIErrorType.invalidRequest, param, code: 'not_found' };
}

export function rateLimited(message = 'Rate limit reached. Please try again later.'): OpenAIError {
  return { status: 429, message, type: OpenAIErrorType.rateLimit, param: null, code: 'rate_limit_exceeded' };
}

export function quotaExceeded(message = 'You exceeded your current quota.'): OpenAIError {
  return { status: 429, message, type: OpenAIErrorType.insufficientQuota, param: null, code: 'insufficient_quota' };
}

export function requestTooLarge(message: string): OpenAIError {
  return { status: 413, message, type: OpenAIErrorType.invalidRequest, param: null, code: 'request_too_large' };
}

export function serverError(message = 'The server had an error while processing your request.'): OpenAIError {
  return { status: 500, message, type: OpenAIErrorType.server, param: null, code: null };
}

export function badGateway(message: string): OpenAIError {
  return { status: 502, message, type: OpenAIErrorType.server, param: null, code: 'upstream_error' };
}

export function serverBusy(message = 'The server is busy. Please try again later.'): OpenAIError {
  return { status: 503, message, type: OpenAIErrorType.server, param: null, code: 'server_busy' };
}

export function timedOut(message = 'The request timed out.'): OpenAIError {
  return { status: 504, message, type: OpenAIErrorType.server, param: null, code: 'timeout' };
}

export function isOpenAIError(value: unknown): value is OpenAIError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return typeof candidate.status === 'number' && typeof candidate.message === 'string' && typeof candidate.type === 'string';
}
