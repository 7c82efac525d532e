import type { Logger } from '@corral/log';
import type { InlineJob, Usage } from '@corral/protocol';

export type JobEvent =
  | { type: 'chunk'; data: Record<string, unknown> }
  | { type: 'final'; data: Record<string, unknown>; usage: Usage; workerId: string };

/** A job as routes build it: always with its body inline; the dispatcher decides how the body travels. */
export type JobSpec = InlineJob;

export interface JobRun {
  readonly requestId: string;
  /** Native chunks in order, then one final; throws a JobError when the job fails. */
  readonly events: AsyncIterableIterator<JobEvent>;
  /** The worker serving the job, once one accepted it. */
  workerId(): string | undefined;
  /** Stops the job: the worker aborts its Ollama request (frees the GPU). */
  cancel(reason: string): void;
}

/** What the pipeline runs jobs through: the fleet's dispatcher, or one that wraps it (a batch's embeddings coalescer). */
export interface JobDispatcher {
  run(spec: JobSpec): JobRun;
  /** How many more jobs for `model` the fleet can take right now. */
  spareSlots(model: string): number;
}

export interface DispatcherOptions {
  acceptTimeoutMs: number;
  idleTimeoutMs: number;
  retryAfterSeconds: number;
  /** Where faults of the bus's object store are reported (the client sees only a 503). */
  logger?: Logger;
}
