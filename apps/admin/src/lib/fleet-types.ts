import type { Heartbeat } from '@corral/protocol';

/** One live worker as the pages see it: its last heartbeat, and how long ago it arrived. */
export type FleetWorker = Heartbeat & { lastSeenAgoMs: number };

/** Requests in flight across the fleet right now. */
export function inflightTotal(workers: readonly Pick<FleetWorker, 'inflight'>[]): number {
  return workers.reduce((sum, worker) => sum + worker.inflight, 0);
}
