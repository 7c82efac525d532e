import type { Heartbeat } from '@corral/protocol';

/** One live worker as the pages see it: its last heartbeat, and how long ago it arrived. */
export type FleetWorker = Heartbeat & { lastSeenAgoMs: number };

/** Requests in flight across the fleet right now. */
export function inflightTotal(workers: readonly Pick<FleetWorker, 'inflight'>[]): number {
  return workers.reduce((sum, worker) => sum + worker.inflight, 0);
}

/** Of a worker's jobs in flight, those of batch lines (0 from a worker that does not report them). */
export function batchInflight(worker: Pick<FleetWorker, 'inflight' | 'batchInflight'>): number {
  return Math.min(worker.inflight, worker.batchInflight ?? 0);
}

/** A worker's interactive jobs in flight: its requests from clients waiting on an answer. */
export function interactiveInflight(worker: Pick<FleetWorker, 'inflight' | 'batchInflight'>): number {
  return worker.inflight - batchInflight(worker);
}

export interface InflightSplit {
  total: number;
  interactive: number;
  batch: number;
}

/** The fleet's jobs in flight, and how many of them are batch lines. */
export function inflightSplit(workers: readonly Pick<FleetWorker, 'inflight' | 'batchInflight'>[]): InflightSplit {
  const batch = workers.reduce((sum, worker) => sum + batchInflight(worker), 0);
  const total = inflightTotal(workers);
  return { total, interactive: total - batch, batch };
}
