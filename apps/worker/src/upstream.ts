import type { BusError, JobKind, Usage, WorkerModel } from '@corral/protocol';

/*
 * What the worker runs jobs against. Ollama is one implementation (upstreams/ollama/); a remote
 * OpenAI-compatible provider is another: it translates the native job to OpenAI and its answer back
 * inside `stream`, reads its inventory from /v1/models and classifies its own errors, so the job
 * execution and the edge never know the difference.
 */

/** One job as an upstream runs it: a native request (Ollama's API is the canonical job). */
export interface UpstreamJob {
  readonly kind: JobKind;
  /** The resolved model name (after alias resolution). */
  readonly model: string;
  /** The native request body's JSON text (/api/chat, /api/generate or /api/embed), as the edge wrote it. */
  readonly body: string;
  /** W3C trace context of the caller's request, for a tracing proxy in front of the upstream. */
  readonly traceparent?: string;
}

/** What a job yields: native chunks in order, then exactly one final. */
export type UpstreamEvent =
  /** One native chunk: a JSON object as raw text, forwarded as it is (no parse on the hot path). */
  | { type: 'chunk'; line: string }
  /**
   * The last native chunk (done:true), or the whole non-streamed answer (embed), with its usage;
   * `text` is data's JSON text as the upstream sent it, when data was parsed from it unchanged: it is
   * forwarded as it is instead of stringified again.
   */
  | { type: 'final'; data: Record<string, unknown>; usage: Usage; text?: string };

/** A job that failed upstream, already classified into the protocol's error (code, status, retryable). */
export class UpstreamFailure extends Error {
  constructor(readonly error: BusError) {
    super(error.message);
    this.name = 'UpstreamFailure';
  }
}

export interface InventorySnapshot {
  models: WorkerModel[];
  /**
   * False when the upstream refused or failed the last poll, or has answered nothing at all (no poll,
   * no job) for its unresponsive time. A slow answer is still an answer.
   */
  healthy: boolean;
  /** The upstream's own version (Ollama's GET /api/version), once known. */
  version?: string;
}

/** The models an upstream serves and whether it answers, as the heartbeat reports them. */
export interface UpstreamInventory {
  /** The last poll's result (no models and unhealthy before the first). */
  current(): InventorySnapshot;
  /** Polls the upstream; concurrent callers share one poll. */
  refresh(): Promise<InventorySnapshot>;
}

export interface Upstream {
  /** Where the upstream is, for the fleet view (never used for routing). */
  readonly location: string;
  readonly inventory: UpstreamInventory;
  /**
   * Runs one job, yielding its events in batches: those of one read from the upstream together.
   * The worker handles a batch in one synchronous turn, so its replies leave in one write (nats.js
   * flushes at the next microtask; an await per event would cost one TCP write, and one NATS
   * server read and write, per token). Every failure is thrown as an UpstreamFailure (anything else is a bug); once a
   * chunk was yielded, a failure must not be retryable. Aborting `signal` stops the job upstream
   * (the GPU is freed); what it yields or throws after that is ignored. A consumer that stops
   * iterating early closes the upstream request.
   */
  stream(job: UpstreamJob, signal: AbortSignal): AsyncIterable<readonly UpstreamEvent[]>;
  /** Closes every connection now. */
  destroy(): Promise<void>;
}
