import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';

/** What the edge tells its batch thread; the thread answers by exiting. */
export const STOP_BATCH_THREAD = 'stop';

export interface BatchThreadOptions {
  /** The thread's entry module. */
  entry: URL;
  /** Handed to every start of the thread as its `workerData`. */
  workerData: unknown;
  logger: Pick<FastifyBaseLogger, 'error' | 'warn' | 'info'>;
  /** How long a stopping thread may take to give its units back and flush its usage before it is terminated. Default: 15 s. */
  stopGraceMs?: number;
  /** First pause before a thread that died is started again; it doubles up to 30 s while the thread keeps dying young. Default: 1 s. */
  restartDelayMs?: number;
}

export interface BatchThread {
  /** Starts of the thread so far (the first one and every restart). */
  readonly starts: number;
  stop(): Promise<void>;
}

const MAX_RESTART_DELAY_MS = 30_000;
/** A thread that ran this long before it died is restarted after the first pause again, not a longer one. */
const HEALTHY_RUN_MS = 60_000;

/**
 * Runs an edge's batch work in a thread of its own: its own V8 heap and garbage collector, its own
 * event loop. Thousands of batch lines in flight are what a garbage collector walks; in the thread
 * that serves chat users every walk was a pause in their streams (BENCHMARKS.md). A thread that dies
 * is started again (its units, unacknowledged, are redelivered meanwhile); the HTTP side never waits
 * on it.
 */
export function startBatchThread(options: BatchThreadOptions): BatchThread {
  const { logger } = options;
  const stopGraceMs = options.stopGraceMs ?? 15_000;
  const firstDelay = options.restartDelayMs ?? 1000;
  let delay = firstDelay;
  let starts = 0;
  let stopping = false;
  let current: { worker: Worker; exited: Promise<number> } | undefined;
  let restart: NodeJS.Timeout | undefined;

  const start = () => {
    restart = undefined;
    starts++;
    const startedAt = performance.now();
    const worker = new Worker(options.entry, { workerData: options.workerData, name: 'corral-batches' });
    worker.on('error', (error) => logger.error({ err: error }, 'the batch thread failed'));
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    current = { worker, exited };
    void exited.then((code) => {
      current = undefined;
      if (stopping) return;
      delay = performance.now() - startedAt >= HEALTHY_RUN_MS ? firstDelay : Math.min(MAX_RESTART_DELAY_MS, starts === 1 ? firstDelay : delay * 2);
      logger.warn({ code, restartInMs: delay }, 'the batch thread exited; starting it again');
      restart = setTimeout(start, delay);
    });
  };
  start();

  return {
    get starts() {
      return starts;
    },
    async stop() {
      stopping = true;
      clearTimeout(restart);
      if (!current) return;
      const { worker, exited } = current;
      worker.postMessage(STOP_BATCH_THREAD);
      const grace = setTimeout(() => {
        logger.warn({ graceMs: stopGraceMs }, 'the batch thread did not stop in time; terminating it');
        void worker.terminate();
      }, stopGraceMs);
      await exited;
      clearTimeout(grace);
    },
  };
}
