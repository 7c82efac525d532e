import { z } from 'zod';

/** Error codes that cross the bus; the edge renders each into the caller's dialect. */
export const ErrorCode = {
  BadRequest: 'bad_request',
  ModelNotFound: 'model_not_found',
  Unsupported: 'unsupported',
  WorkerFull: 'worker_full',
  Draining: 'draining',
  /** A batch job whose slot the worker gave to interactive work; always retryable, even after chunks. */
  Preempted: 'preempted',
  UpstreamBusy: 'upstream_busy',
  UpstreamUnavailable: 'upstream_unavailable',
  UpstreamError: 'upstream_error',
  Cancelled: 'cancelled',
  Timeout: 'timeout',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  /** Too many attempts (admin sign-in); the message says when to try again. */
  RateLimited: 'rate_limited',
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const BusError = z.object({
  code: z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]),
  message: z.string(),
  /** The upstream HTTP status when the error came from Ollama or a provider. */
  status: z.number().int().optional(),
  /** True when nothing was done and another worker may be tried. */
  retryable: z.boolean().default(false),
});
export type BusError = z.infer<typeof BusError>;
