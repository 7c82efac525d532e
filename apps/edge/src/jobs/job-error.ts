import { ErrorCode, type BusError } from '@corral/protocol';

/** A failed job as the edge sees it: a bus error code plus what the HTTP layer needs to render it. */
export class JobError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { upstreamStatus?: number; retryAfterSeconds?: number; param?: string } = {},
  ) {
    super(message);
    this.name = 'JobError';
  }
}

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  [ErrorCode.BadRequest]: 400,
  [ErrorCode.Unsupported]: 400,
  [ErrorCode.ModelNotFound]: 404,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Unauthorized]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.WorkerFull]: 503,
  [ErrorCode.Draining]: 503,
  [ErrorCode.Preempted]: 503,
  [ErrorCode.UpstreamBusy]: 503,
  [ErrorCode.UpstreamUnavailable]: 503,
  [ErrorCode.UpstreamError]: 502,
  [ErrorCode.Cancelled]: 499,
  [ErrorCode.Timeout]: 504,
  [ErrorCode.Internal]: 500,
};

export function httpStatusOf(error: JobError): number {
  return STATUS_BY_CODE[error.code];
}

/** A worker's error as the client should see it; a busy or full worker suggests when to try again. */
export function toJobError(error: BusError, retryAfterSeconds: number): JobError {
  const retryable = error.retryable || error.code === ErrorCode.UpstreamBusy || error.code === ErrorCode.WorkerFull;
  return new JobError(error.code, error.message, {
    ...(error.status !== undefined ? { upstreamStatus: error.status } : {}),
    ...(retryable ? { retryAfterSeconds } : {}),
  });
}
