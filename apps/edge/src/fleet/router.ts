import { normalizeModelName } from '@corral/ollama';
import type { FleetTable, WorkerState } from './fleet-table.ts';

export interface RouteDecision {
  /** Workers to try, best first. */
  candidates: WorkerState[];
  /** Some live worker has the model (even if none can take the job now). */
  modelKnown: boolean;
  /** Live workers that have the model. */
  holders: number;
  /** Of those, the ones left out because their Ollama is not answering. */
  unhealthy: number;
}


/**
 * Orders the workers that can serve a model: only those that have it and are healthy, not
 * draining and not cordoned (a cordoned worker finishes its jobs but takes no new ones); workers with a free slot before saturated ones (a queue behind a busy GPU can cost more
 * than a cold load on an idle one); within that, those with the model already loaded first (no cold
 * load); then least outstanding work relative to capacity; ties broken at random so equal workers
 * share the load.
 */
export function routeModel(fleet: FleetTable, model: string, random: () => number = Math.random): RouteDecision {
  const name = normalizeModelName(model);
  let holders = 0;
  let unhealthy = 0;
  const scored: { worker: WorkerState; loaded: boolean; load: number; tie: number }[] = [];
  for (const worker of fleet.all()) {
    const entry = worker.models.get(name);
    if (!entry) continue;
    holders++;
    const { draining, cordoned, upstreamHealthy, maxInflight, capacity } = worker.heartbeat;
    if (draining || cordoned) continue;
    if (!upstreamHealthy) {
      unhealthy++;
      continue;
    }
    const inflight = fleet.estimatedInflight(worker);
    if (inflight >= maxInflight) continue;
    scored.push({ worker, loaded: entry.loaded, load: inflight / capacity, tie: random() });
  }
  scored.sort((a, b) => Number(a.load >= 1) - Number(b.load >= 1) || Number(b.loaded) - Number(a.loaded) || a.load - b.load || a.tie - b.tie);
  return { candidates: scored.map((entry) => entry.worker), modelKnown: holders > 0, holders, unhealthy };
}

/**
 * Jobs the workers serving a model can still take now: the free slots (below `maxInflight`) of
 * every healthy, non-draining, uncordoned worker that has it.
 */
/**
 * Slots for `model` no job holds right now: parallel slots (`capacity`) less the jobs in flight. Batch
 * work runs only on these, so it never queues in Ollama ahead of an interactive request.
 */
export function idleSlots(fleet: FleetTable, model: string): number {
  let idle = 0;
  for (const worker of routeModel(fleet, model, () => 0).candidates) idle += Math.max(0, worker.heartbeat.capacity - fleet.estimatedInflight(worker));
  return idle;
}

export function spareSlots(fleet: FleetTable, model: string): number {
  let spare = 0;
  for (const worker of routeModel(fleet, model, () => 0).candidates) spare += Math.max(0, worker.heartbeat.maxInflight - fleet.estimatedInflight(worker));
  return spare;
}
