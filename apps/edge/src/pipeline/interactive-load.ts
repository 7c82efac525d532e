import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How often the event loop's utilization is sampled while users are served: fine enough to follow a burst of requests. */
const SAMPLE_MS = 50;
/** The shared cells: requests in flight, and the loop's last sampled utilization in millionths. */
const IN_FLIGHT = 0;
const UTILIZATION = 1;
const CELLS = 2;

/**
 * Interactive requests in flight on this edge, and how busy its event loop has been lately, kept in
 * shared memory: the edge's batch thread reads them (`InteractiveLoad.reader`) to stand back while a
 * user waits for a first token on a busy edge. Batch lines run in their own thread (their own heap and
 * garbage collector); what they still share with interactive requests is the machine's cores.
 */
export class InteractiveLoad {
  /** What the batch thread is handed (`reader`). */
  readonly shared = new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT);
  private readonly cells = new Int32Array(this.shared);
  private sample: EventLoopUtilization = performance.eventLoopUtilization();
  private sampler: NodeJS.Timeout | undefined;

  begin(): void {
    if (Atomics.add(this.cells, IN_FLIGHT, 1) === 0) this.startSampling();
  }

  end(): void {
    if (Atomics.sub(this.cells, IN_FLIGHT, 1) === 1) this.stopSampling();
  }

  get inFlight(): number {
    return Atomics.load(this.cells, IN_FLIGHT);
  }

  /** Share of the last ~50 ms the event loop spent running code (0..1), as last sampled while users were served. */
  utilization(): number {
    return Atomics.load(this.cells, UTILIZATION) / 1e6;
  }

  /** Stops sampling (the edge is closing). */
  close(): void {
    this.stopSampling();
  }

  /**
   * The batch thread's view of an edge's interactive load: batch work may start more lines unless
   * interactive requests are waiting on an event loop busier than `yieldAbove` (BATCH_YIELD_UTILIZATION;
   * BENCHMARKS.md measures what each value costs chat users and the batch).
   */
  static reader(shared: SharedArrayBuffer, yieldAbove: number): { batchMayStart(): boolean } {
    const cells = new Int32Array(shared);
    return {
      batchMayStart: () => Atomics.load(cells, IN_FLIGHT) <= 0 || Atomics.load(cells, UTILIZATION) / 1e6 < yieldAbove,
    };
  }

  private startSampling(): void {
    this.sample = performance.eventLoopUtilization();
    this.sampler ??= setInterval(() => this.takeSample(), SAMPLE_MS).unref();
  }

  private stopSampling(): void {
    clearInterval(this.sampler);
    this.sampler = undefined;
    Atomics.store(this.cells, UTILIZATION, 0);
  }

  private takeSample(): void {
    const current = performance.eventLoopUtilization();
    Atomics.store(this.cells, UTILIZATION, Math.round(performance.eventLoopUtilization(current, this.sample).utilization * 1e6));
    this.sample = current;
  }
}
