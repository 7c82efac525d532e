import { z } from 'zod';
import { blobSettings, busSettings, integer, optionalString } from './shared.ts';

export const WorkerConfig = z.object({
  ...busSettings,
  ...blobSettings,
  /** The Ollama this worker serves. Default: http://127.0.0.1:11434. */
  OLLAMA_URL: z.preprocess((value) => (value === '' || value === undefined ? 'http://127.0.0.1:11434' : value), z.url()),
  /** Stable worker identity (letters, digits, - and _). Default: hostname plus a random suffix. */
  WORKER_ID: optionalString,
  /** Parallel slots advertised for routing (match OLLAMA_NUM_PARALLEL × GPUs). Default: 4. */
  WORKER_CAPACITY: integer(4),
  /** Jobs held at once (running or queued in Ollama) before refusing. Default: 256. */
  WORKER_MAX_INFLIGHT: integer(256),
  /** Heartbeat period. Default: 1000 ms. */
  HEARTBEAT_INTERVAL_MS: integer(1000),
  /**
   * How long Ollama may answer nothing (no inventory poll, no job) before the worker reports it
   * unhealthy and edges stop routing to it. Slow answers under load are not failures. Default: 10000 ms.
   */
  OLLAMA_UNRESPONSIVE_MS: integer(10_000),
  /** Keep-alive sent to the edge while Ollama is silent. Default: 1000 ms. */
  KEEPALIVE_INTERVAL_MS: integer(1000),
  /** How long SIGTERM waits for in-flight jobs before exiting anyway. Default: 120000 ms. */
  DRAIN_TIMEOUT_MS: integer(120_000),
  /**
   * How far V8 lets the heap grow past what a full collection kept, in percent (300: to 4 ×); 0
   * leaves V8's own heuristic, which gives a worker the minimum and so a full collection every
   * 20–30 s under load. A node `--heap-growing-percent` flag wins. Default: 300.
   */
  WORKER_HEAP_GROWTH_PERCENT: integer(300),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;
