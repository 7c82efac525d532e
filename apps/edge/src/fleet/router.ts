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
  const scored: { worker: WorkerState; loaded: boolean; load: number; tie: number }[] = [];
  const { holders, unhealthy } = forEachAvailable(fleet, model, (worker, inflight, loaded) => {
    scored.push({ worker, loaded, load: inflight / worker.heartbeat.capacity, tie: random() });
  });
  scored.sort((a, b) => Number(a.load >= 1) - Number(b.load >= 1) || Number(b.loaded) - Number(a.loaded) || a.load - b.load || a.tie - b.tie);
  return { candidates: scored.map((entry) => entry.worker), modelKnown: holders > 0, holders, unhealthy };
}

/**
 * Visits every worker that can take a job for the model now (it has the model, is healthy, neither
 * draining nor cordoned, and below `maxInflight`), with its jobs in flight; counts the holders and
 * the unhealthy ones on the way. It allocates nothing: batch lines ask the counts below many times
 * a second.
 */
function forEachAvailable(fleet: FleetTable, model: string, visit: (worker: WorkerState, inflight: number, loaded: boolean) => void): { holders: number; unhealthy: number } {
  const name = normalizeModelName(model);
  let holders = 0;
  let unhealthy = 0;
  for (const worker of fleet.live()) {
    const entry = worker.models.get(name);
    if (!entry) continue;
    holders++;
    const { draining, cordoned, upstreamHealthy, maxInflight } = worker.heartbeat;
    if (draining || cordoned) continue;
    if (!upstreamHealthy) {
      unhealthy++;
      continue;
    }
    const inflight = fleet.estimatedInflight(worker);
    if (inflight >= maxInflight) continue;
    visit(worker, inflight, entry.loaded);
  }
  return { holders, unhealthy };
}

/**
 * Slots for `model` no job holds right now: parallel slots (`capacity`) less the jobs in flight. Batch
 * work runs only on these, so it never queues in Ollama ahead of an interactive request.
 */
export function idleSlots(fleet: FleetTable, model: string): number {
  let idle = 0;
  forEachAvailable(fleet, model, (worker, inflight) => (idle += Math.max(0, worker.heartbeat.capacity - inflight)));
  return idle;
}

/**
 * Jobs the workers serving a model can still take now: the free slots (below `maxInflight`) of
 * every healthy, non-draining, uncordoned worker that has it.
 */
export function spareSlots(fleet: FleetTable, model: string): number {
  let spare = 0;
  forEachAvailable(fleet, model, (worker, inflight) => (spare += worker.heartbeat.maxInflight - inflight));
  return spare;
}

/** Parallel slots (`capacity`) of the workers that could take a job for the model now, busy or not. */
export function servingSlots(fleet: FleetTable, model: string): number {
  let slots = 0;
  forEachAvailable(fleet, model, (worker) => (slots += worker.heartbeat.capacity));
  return slots;
}

/**
 * Whether any worker ran interactive jobs at its last heartbeat, whichever edge sent them: the
 * fleet-wide sign that users are being served (this edge's own requests it knows at once).
 */
export function fleetServesInteractive(fleet: FleetTable): boolean {
  for (const worker of fleet.live()) {
    const { inflight, batchInflight = 0 } = worker.heartbeat;
    if (inflight > batchInflight) return true;
  }
  return false;
}

/** Workers that could take a job for the model now (routeModel's candidates, counted). */
export function availableWorkers(fleet: FleetTable, model: string): number {
  let count = 0;
  forEachAvailable(fleet, model, () => count++);
  return count;
}
