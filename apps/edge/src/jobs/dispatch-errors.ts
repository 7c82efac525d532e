import { ErrorCode, type BusError } from '@corral/protocol';
import type { FleetTable } from '../fleet/fleet-table.ts';
import type { RouteDecision } from '../fleet/router.ts';
import { JobError, toJobError } from './job-error.ts';

/** A job published while NATS is away is lost: the client hears so at once instead of after the accept timeout. */
export function disconnectedError(retryAfterSeconds: number): JobError {
  return new JobError(ErrorCode.UpstreamUnavailable, 'workers cannot be reached right now (the connection to the message bus is being re-established); try again shortly', {
    retryAfterSeconds,
  });
}

/** Why no worker served the request, once every candidate was tried (or there was none). */
export function exhaustedError(fleet: FleetTable, model: string, route: RouteDecision, lastRefusal: BusError | undefined, retryAfterSeconds: number): JobError {
  if (fleet.size() === 0) {
    return new JobError(ErrorCode.UpstreamUnavailable, 'no worker is available; try again shortly', { retryAfterSeconds });
  }
  if (!route.modelKnown) return new JobError(ErrorCode.ModelNotFound, `model '${model}' not found`);
  if (route.unhealthy === route.holders) {
    return new JobError(ErrorCode.UpstreamUnavailable, `the Ollama behind every worker serving '${model}' is not answering; try again shortly`, { retryAfterSeconds });
  }
  if (route.candidates.length === 0) {
    return new JobError(ErrorCode.WorkerFull, `every worker serving '${model}' is busy, draining or cordoned; try again shortly`, { retryAfterSeconds });
  }
  if (lastRefusal && !lastRefusal.retryable) return toJobError(lastRefusal, retryAfterSeconds);
  return new JobError(ErrorCode.WorkerFull, `no worker could take the request for '${model}'; try again shortly`, { retryAfterSeconds });
}
