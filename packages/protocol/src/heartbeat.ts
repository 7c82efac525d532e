import { z } from 'zod';
import { PROTOCOL_VERSION } from './version.ts';

export const WorkerModel = z.object({
  /** Ollama's display name, e.g. `llama3.2:latest`. */
  name: z.string(),
  loaded: z.boolean(),
  capabilities: z.array(z.string()).default([]),
  family: z.string().optional(),
  parameterSize: z.string().optional(),
  quantization: z.string().optional(),
  contextLength: z.number().int().optional(),
  sizeBytes: z.number().optional(),
  modifiedAt: z.string().optional(),
  /** For a loaded model: bytes of it in VRAM, and when Ollama will unload it (ISO 8601). */
  sizeVramBytes: z.number().optional(),
  expiresAt: z.string().optional(),
});
export type WorkerModel = z.infer<typeof WorkerModel>;

export const Heartbeat = z.object({
  v: z.literal(PROTOCOL_VERSION),
  workerId: z.string(),
  /** Where its Ollama is, for the fleet view (never used for routing). */
  upstream: z.string(),
  models: z.array(WorkerModel),
  /** Parallel slots (routing weight); in-flight above this waits in Ollama's queue. */
  capacity: z.number().int().positive(),
  /** Hard cap: above it the worker refuses jobs. */
  maxInflight: z.number().int().positive(),
  inflight: z.number().int().nonnegative(),
  /** Of `inflight`, the jobs of batch lines (the fleet view shows batch and interactive work apart). */
  batchInflight: z.number().int().nonnegative().optional(),
  draining: z.boolean(),
  /** Cordoned by an operator: takes no new jobs, finishes its own (edges route around it). */
  cordoned: z.boolean().optional(),
  /** Ollama's own version (GET /api/version), when known. */
  upstreamVersion: z.string().optional(),
  upstreamHealthy: z.boolean(),
  sentAt: z.number().int(),
  /** Milliseconds until the next heartbeat; the edge forgets a worker after a few missed ones. */
  intervalMs: z.number().int().positive(),
});
export type Heartbeat = z.infer<typeof Heartbeat>;
