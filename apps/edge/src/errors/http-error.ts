import { ErrorCode } from '@corral/protocol';
import { httpStatusOf, JobError } from '../jobs/job-error.ts';

/** What kind of failure, independent of dialect; each dialect's renderer names it its own way. */
export const FailureKind = {
  InvalidRequest: 'invalid_request',
  Authentication: 'authentication',
  Permission: 'permission',
  NotFound: 'not_found',
  RateLimit: 'rate_limit',
  Unavailable: 'unavailable',
  Upstream: 'upstream',
  Internal: 'internal',
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

/** One error value for every HTTP surface; rendered into the caller's dialect in one place per dialect. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly kind: FailureKind,
    message: string,
    readonly extra: { code?: string; param?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const KIND_BY_STATUS: Record<number, FailureKind> = {
  400: FailureKind.InvalidRequest,
  401: FailureKind.Authentication,
  403: FailureKind.Permission,
  404: FailureKind.NotFound,
  413: FailureKind.InvalidRequest,
  415: FailureKind.InvalidRequest,
  429: FailureKind.RateLimit,
  499: FailureKind.InvalidRequest,
  502: FailureKind.Upstream,
  503: FailureKind.Unavailable,
  504: FailureKind.Upstream,
};

export function kindOfStatus(status: number): FailureKind {
  return KIND_BY_STATUS[status] ?? (status >= 500 ? FailureKind.Internal : FailureKind.InvalidRequest);
}

export function fromJobError(error: JobError): HttpError {
  const status = httpStatusOf(error);
  const code = error.code === ErrorCode.ModelNotFound ? 'model_not_found' : error.code;
  return new HttpError(status, kindOfStatus(status), error.message, {
    code,
    ...(error.details.param ? { param: error.details.param } : {}),
    ...(error.details.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.details.retryAfterSeconds } : {}),
  });
}

/**
 * Any failure of a request as the one error value: ours as they are, a job's by its code, anything
 * else (a bug) as a 500 that tells the caller nothing of the server's insides.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof JobError) return fromJobError(error);
  return new HttpError(500, FailureKind.Internal, 'The server had an error while processing your request.');
}
