import type { Bus, Subscription } from '@corral/bus';
import { Heartbeat, type WorkerModel } from '@corral/protocol';
import { normalizeModelName } from '@corral/ollama';

/** Heartbeats missed before a worker is forgotten. */
const MISSED_HEARTBEATS_ALLOWED = 3;
/** How often silent workers are looked for. */
export const SWEEP_INTERVAL_MS = 250;

export interface WorkerState {
  readonly workerId: string;
  heartbeat: Heartbeat;
  /** Model name (normalised) → what the worker said about it. */
  models: Map<string, WorkerModel>;
  lastSeen: number;
  /** This edge's jobs on the worker when its last heartbeat arrived (they are in its count). */
  ownJobsAtHeartbeat: number;
}

export type WorkerLostListener = (workerId: string) => void;

/** The live fleet as this edge sees it, fed by worker heartbeats. */
export class FleetTable {
  private readonly workers = new Map<string, WorkerState>();
  private readonly lostListeners = new Set<WorkerLostListener>();
  /** This edge's jobs in flight per worker, exact and current (a heartbeat is up to a beat stale). */
  private readonly ownJobs = new Map<string, number>();
  private subscription: Subscription | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private lastSweepAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastSweepAt = now();
  }

  start(bus: Bus): void {
    this.subscription = bus.subscribe(bus.subjects.heartbeat(), Heartbeat, (heartbeat) => this.observe(heartbeat));
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  stop(): void {
    this.subscription?.unsubscribe();
    if (this.sweeper) clearInterval(this.sweeper);
  }

  observe(heartbeat: Heartbeat): void {
    const existing = this.workers.get(heartbeat.workerId);
    // A worker that is about to exit says so with draining and no models: forget it at once.
    if (heartbeat.draining && heartbeat.models.length === 0) {
      if (existing) this.forget(heartbeat.workerId);
      return;
    }
    const models = new Map(heartbeat.models.map((model) => [normalizeModelName(model.name), model]));
    if (existing) {
      existing.heartbeat = heartbeat;
      existing.models = models;
      existing.lastSeen = this.now();
      existing.ownJobsAtHeartbeat = this.ownJobs.get(heartbeat.workerId) ?? 0;
      return;
    }
    const ownJobsAtHeartbeat = this.ownJobs.get(heartbeat.workerId) ?? 0;
    this.workers.set(heartbeat.workerId, { workerId: heartbeat.workerId, heartbeat, models, lastSeen: this.now(), ownJobsAtHeartbeat });
  }

  onWorkerLost(listener: WorkerLostListener): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  get(workerId: string): WorkerState | undefined {
    return this.workers.get(workerId);
  }

  all(): WorkerState[] {
    return [...this.workers.values()];
  }

  /** The live workers without copying them into an array (for counts taken per request). */
  live(): IterableIterator<WorkerState> {
    return this.workers.values();
  }

  size(): number {
    return this.workers.size;
  }

  jobStarted(workerId: string): void {
    this.ownJobs.set(workerId, (this.ownJobs.get(workerId) ?? 0) + 1);
  }

  jobEnded(workerId: string): void {
    const count = (this.ownJobs.get(workerId) ?? 0) - 1;
    if (count > 0) this.ownJobs.set(workerId, count);
    else this.ownJobs.delete(workerId);
  }

  /**
   * The worker's jobs in flight as best known now: what other edges had running at its last
   * heartbeat, plus this edge's own jobs counted exactly (started and finished since included).
   */
  estimatedInflight(worker: WorkerState): number {
    const othersAtHeartbeat = Math.max(0, worker.heartbeat.inflight - worker.ownJobsAtHeartbeat);
    return othersAtHeartbeat + (this.ownJobs.get(worker.workerId) ?? 0);
  }

  /**
   * The timer's round: forgets silent workers, unless this edge itself was stalled (a long
   * synchronous turn, a saturated CPU). Then the heartbeats that arrived meanwhile are still
   * unread in the socket — timers run before I/O in Node's loop — and judging now would forget
   * every worker at once; the next round, after they are read, judges instead.
   */
  sweep(): void {
    const now = this.now();
    const stalled = now - this.lastSweepAt > 2 * SWEEP_INTERVAL_MS;
    this.lastSweepAt = now;
    if (!stalled) this.expireSilentWorkers();
  }

  /** Forgets workers whose heartbeats stopped. */
  expireSilentWorkers(): void {
    const now = this.now();
    for (const worker of this.workers.values()) {
      if (now - worker.lastSeen > worker.heartbeat.intervalMs * MISSED_HEARTBEATS_ALLOWED) this.forget(worker.workerId);
    }
  }

  private forget(workerId: string): void {
    this.workers.delete(workerId);
    for (const listener of this.lostListeners) listener(workerId);
  }
}
