import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How often the event loop's utilization is sampled: fine enough to follow a burst of requests. */
const SAMPLE_MS = 50;

/**
 * Interactive requests in flight on this edge, and how busy its event loop has been lately. Batch
 * lines share the edge's one event loop with interactive requests; this is what lets them stand
 * back while a user waits for a first token (see `batchMayStart`).
 */
export class InteractiveLoad {
  private active = 0;
  /** Interactive requests that have not written their first output yet (a first token, or a whole answer). */
  private unanswered = 0;
  private sample: EventLoopUtilization = performance.eventLoopUtilization();
  private sampledAt = performance.now();
  private recent = 0;
  /** When the last interactive request ended (performance.now()), or -Infinity before the first. */
  private lastEndedAt = Number.NEGATIVE_INFINITY;

  /**
   * @param yieldAbove the loop utilization above which batch work waits while a user is served
   *   (BATCH_YIELD_UTILIZATION; BENCHMARKS.md measures what each value costs chat users and the batch).
   */
  constructor(private readonly yieldAbove = 0.15) {}

  /** One interactive request begins: call the handle's `answered()` at its first output and `end()` when it is done. */
  begin(): ServedRequest {
    this.active++;
    this.unanswered++;
    let answered = false;
    let ended = false;
    const answer = (): void => {
      if (answered) return;
      answered = true;
      this.unanswered--;
    };
    return {
      answered: answer,
      end: () => {
        if (ended) return;
        ended = true;
        answer();
        this.active--;
        this.lastEndedAt = performance.now();
      },
    };
  }

  /** Whether a user waits on this edge for a first output now: any pause of its event loop is theirs. */
  get usersWaiting(): boolean {
    return this.unanswered > 0;
  }

  /**
   * Whether a user is being served now or was within the last `ms`: chat users send their next
   * request a moment after the last answer, and batch work that surged in every such gap would
   * meet the next request's first token.
   */
  servedWithin(ms: number): boolean {
    return this.active > 0 || performance.now() - this.lastEndedAt < ms;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Share of the last ~50 ms the event loop spent running code (0..1). */
  utilization(): number {
    const now = performance.now();
    if (now - this.sampledAt >= SAMPLE_MS) {
      const current = performance.eventLoopUtilization();
      this.recent = performance.eventLoopUtilization(current, this.sample).utilization;
      this.sample = current;
      this.sampledAt = now;
    }
    return this.recent;
  }

  /** Batch work may start more lines unless interactive requests are waiting on an event loop already this busy. */
  batchMayStart(): boolean {
    return this.active === 0 || this.utilization() < this.yieldAbove;
  }
}

/** An interactive request being served, as InteractiveLoad counts it. Both calls are idempotent. */
export interface ServedRequest {
  /** Its first output was written (a stream's first frame, or its whole answer). */
  answered(): void;
  /** It is done (answered or not). */
  end(): void;
}
