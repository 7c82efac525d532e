import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/**
 * The least share of the loop batch work keeps beside users, whatever `duty` says: a share of 0
 * still lets one call or line run on the fleet, and that one must make progress on the loop too.
 */
const MIN_DUTY = 0.05;

export interface BatchPacerOptions {
  /** Share of the event loop batch work may hold while users are being served (1 never pauses; below MIN_DUTY counts as MIN_DUTY). */
  duty: number;
  /** Batch work that may run back to back before the first pause, in ms. */
  burstMs: number;
  /** True while users are being served (on this edge or, by the workers' heartbeats, anywhere). */
  interactiveNearby: () => boolean;
  now?: () => number;
  /** Waits `ms` (tests pass a fake clock's). */
  sleep?: (ms: number) => Promise<void>;
  /** Runs between two slices, before the next one is charged (the edge's IdleScavenger looks in here). */
  betweenSlices?: () => void;
}

/**
 * Spreads an edge's batch work over time while users are being served. A coalesced embed call
 * brings back its 128 lines at once, and their pipelines, output lines and usage were finished in
 * one run of turns back to back: ~25 ms of CPU in a burst that every chat user's first token on the
 * host waited behind (BENCHMARKS.md lines the bursts up with the slowest first tokens). The pacer
 * is a budget of loop time shared by all of the edge's batch work: each slice is charged what it
 * took, credit grows back at `duty` ms per ms of wall time, and a slice that finds the budget spent
 * waits until it is paid back. The average rate is unchanged unless batch work wants more than its
 * share of the loop; what changes is that it never holds the loop for long at a stretch.
 * Alone, a batch is not paced at all.
 */
export class BatchPacer {
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<void>;
  private credit: number;
  private creditAt: number;
  /** Time up to which batch work has been charged. */
  private chargedUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: BatchPacerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.wait = options.sleep ?? ((ms) => sleep(ms));
    this.credit = options.burstMs;
    this.creditAt = this.now();
  }

  /** When the slice of batch work that begins now started: pass it to `turn` at the slice's end. */
  sliceStart(): number {
    return this.now();
  }

  /**
   * Ends a slice of batch work that began at `startedAt`: lets the event loop turn (so the
   * microtasks the slice queued run, and are charged to it), then pauses as long as the budget
   * needs. Resolves with the start of the next slice.
   */
  async turn(startedAt: number): Promise<number> {
    await nextTurn();
    this.options.betweenSlices?.();
    const now = this.now();
    // Slices of several units run interleaved: a stretch of time is charged once, however many
    // of them it held (and whatever else ran in it: the pacer errs on the side of pausing).
    const work = Math.max(0, now - Math.max(startedAt, this.chargedUntil));
    this.chargedUntil = now;
    const pause = this.charge(work);
    if (pause > 0) await this.wait(pause);
    return this.now();
  }

  /** Charges `workMs` of batch work and returns how long to pause before the next slice (0: none). */
  charge(workMs: number): number {
    const { burstMs } = this.options;
    const duty = Math.max(MIN_DUTY, this.options.duty);
    const now = this.now();
    if (duty >= 1 || !this.options.interactiveNearby()) {
      this.credit = burstMs;
      this.creditAt = now;
      return 0;
    }
    this.credit = Math.min(burstMs, this.credit + (now - this.creditAt) * duty) - workMs;
    this.creditAt = now;
    return this.credit >= 0 ? 0 : -this.credit / duty;
  }
}

/** What batch work needs of a pacer: where a slice starts, and the turn between two slices. */
export type BatchSlices = Pick<BatchPacer, 'sliceStart' | 'turn'>;

/** Slices that only let the loop turn between them, never pause: for batch work with no pacer. */
export const unpaced: BatchSlices = {
  sliceStart: () => 0,
  turn: async () => {
    await nextTurn();
    return 0;
  },
};
