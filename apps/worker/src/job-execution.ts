import { BlobError, BlobFailure } from '@corral/bus';
import { encodeFinalData, ErrorCode, finalDataBlobName, JobLane, ReplyWriter, type BusError, type Job, type Usage } from '@corral/protocol';
import type { Logger } from '@corral/log';
import { UpstreamFailure, type Upstream, type UpstreamEvent } from './upstream.ts';

/**
 * The object store, for payloads above NATS's max_payload: a job body the edge parked there, a
 * final reply too large to send inline.
 */
export interface JobBlobs {
  /** The largest reply worth sending inline (see maxInlinePayload). */
  maxInlineBytes(): number;
  /** Throws a BlobError; `missing` when the blob expired or was removed. */
  read(name: string): Promise<Uint8Array>;
  put(name: string, bytes: Uint8Array): Promise<void>;
  delete(name: string): Promise<void>;
}

/** What one job needs from the worker around it. */
export interface JobEnvironment {
  readonly workerId: string;
  /** What jobs run against (the local Ollama, or a remote provider). */
  readonly upstream: Upstream;
  readonly blobs: JobBlobs;
  /** 0 disables keep-alives. */
  readonly keepAliveIntervalMs: number;
  readonly logger: Logger;
  /** Publishes a reply; false when it cannot reach the edge (the bus connection is down), so it is lost. */
  send(subject: string, payload: string): boolean;
}

/** Why a job was interrupted from outside. */
export const Interruption = {
  /** The edge cancelled: abort quietly, the edge expects nothing more. */
  Cancelled: 'cancelled',
  /** The worker is dying (tests simulate a crash): abort quietly. */
  Stopped: 'stopped',
  /** job.deadline passed. */
  Timeout: 'timeout',
  /** The drain timeout ran out before the job finished. */
  Shutdown: 'shutdown',
  /** A batch job giving its slot to interactive work: fail it retryable, whatever it streamed already. */
  Preempted: 'preempted',
  /**
   * A reply could not be sent (the bus connection is down): the edge will see a gap in the stream
   * and fail it, and its cancel may never arrive, so stop generating now rather than waste the GPU.
   */
  ReplyLost: 'reply_lost',
} as const;
export type Interruption = (typeof Interruption)[keyof typeof Interruption];

const MAX_TIMER_MS = 2 ** 31 - 1;
const decoder = new TextDecoder();

/**
 * Runs one job against the upstream and streams its replies to the job's reply subject: accept, then
 * chunks / keep-alives with one increasing seq, then exactly one final or error (unless cancelled).
 */
export class JobExecution {
  /** Numbers the replies: accept, then chunks and keep-alives, then one final or error. */
  private readonly replies: ReplyWriter;
  /** Set once the terminal reply is sent, or once the job must stay silent. */
  private finished = false;
  private forwardedChunks = 0;
  private outcome = 'running';
  /** A final too large for one message being stored as a blob; nothing else is sent meanwhile but keep-alives. */
  private settling: Promise<void> | undefined;
  private readonly controller = new AbortController();
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly job: Job,
    private readonly replyTo: string,
    private readonly environment: JobEnvironment,
  ) {
    this.replies = new ReplyWriter(job.requestId, environment.workerId);
  }

  get requestId(): string {
    return this.job.requestId;
  }

  get lane(): JobLane {
    return this.job.lane ?? JobLane.Interactive;
  }

  /**
   * Still occupying one of the upstream's parallel slots: not interrupted and the upstream has not
   * answered in full (a final being stored in the object store needs no slot any more).
   */
  get holdsUpstreamSlot(): boolean {
    return !this.finished && this.settling === undefined;
  }

  /** The caller's trace context for log lines, when the job has one. */
  private trace(): { traceparent?: string } {
    return this.job.traceparent === undefined ? {} : { traceparent: this.job.traceparent };
  }

  async run(): Promise<void> {
    const startedAt = performance.now();
    if (!this.environment.send(this.replyTo, this.replies.accept())) this.abandon();
    this.armTimers();
    try {
      if (!this.finished) await this.execute();
    } catch (error) {
      if (!this.finished) this.fail({ code: ErrorCode.Internal, message: 'the worker failed while running the job', retryable: false });
      this.environment.logger.error({ requestId: this.job.requestId, ...this.trace(), err: error }, 'job crashed');
    } finally {
      this.clearTimers();
      this.environment.logger.debug(
        {
          requestId: this.job.requestId,
          ...this.trace(),
          kind: this.job.kind,
          model: this.job.model,
          outcome: this.outcome,
          chunks: this.forwardedChunks,
          durationMs: Math.round(performance.now() - startedAt),
        },
        'job ended',
      );
    }
  }

  interrupt(reason: Interruption): void {
    if (this.finished) return;
    if (reason === Interruption.Timeout) {
      this.fail({ code: ErrorCode.Timeout, message: 'the job deadline passed before the upstream finished', retryable: false });
    } else if (reason === Interruption.Shutdown) {
      this.fail({ code: ErrorCode.Draining, message: 'the worker shut down before the job finished', retryable: this.forwardedChunks === 0 });
    } else if (reason === Interruption.Preempted) {
      // Retryable even after chunks, and the edge decides: a batch line's result is only its
      // final, so it can run again from the start, here later or elsewhere.
      this.fail({ code: ErrorCode.Preempted, message: 'the worker needed the slot for interactive work', retryable: true });
    } else {
      this.finished = true;
      this.outcome = reason;
    }
    this.controller.abort(reason);
  }

  private async execute(): Promise<void> {
    const body = await this.loadBody();
    if (body === undefined || this.finished) return;
    const job = { kind: this.job.kind, model: this.job.model, body, ...this.trace() };
    try {
      reading: for await (const batch of this.environment.upstream.stream(job, this.controller.signal)) {
        // A batch in one synchronous turn: its replies leave in one write.
        for (const event of batch) {
          if (!this.finished && !this.settling) this.onEvent(event);
          // After a failure there is nothing sensible left to read; after the final the upstream
          // reads its answer out, which keeps the connection reusable.
          if (this.finished && this.outcome !== 'final') break reading;
        }
      }
    } catch (error) {
      if (!(error instanceof UpstreamFailure)) throw error;
      // Once the final arrived, a broken connection after it changes nothing.
      if (this.settling) await this.settling;
      else if (!this.finished) this.fail(error.error);
      return;
    }
    await this.settling;
    if (!this.finished) {
      this.fail({ code: ErrorCode.UpstreamError, message: 'upstream stream ended without a final chunk', retryable: false });
    }
  }

  /**
   * The native request body's JSON text. One parked in the object store goes upstream as stored: the edge
   * wrote it with JSON.stringify and the store checks its digest, so it needs no parse here. The
   * edge owns that blob (it deletes it when the request ends), since a retry on another worker
   * reads it again. Undefined once the job failed.
   */
  private async loadBody(): Promise<string | undefined> {
    if (this.job.bodyRef === undefined) return JSON.stringify(this.job.body);
    try {
      return decoder.decode(await this.environment.blobs.read(this.job.bodyRef));
    } catch (error) {
      if (this.finished) return undefined;
      if (error instanceof BlobError && error.reason === BlobFailure.Missing) {
        this.fail({ code: ErrorCode.BadRequest, message: `the job's body (blob ${this.job.bodyRef}) is no longer in the object store: it expired or was removed before a worker read it`, retryable: false });
      } else {
        // Nothing ran yet: another worker (another connection to the store) may do better.
        const detail = error instanceof Error ? error.message : String(error);
        this.fail({ code: ErrorCode.Internal, message: `could not read the job's body from the object store: ${detail}`, retryable: true });
      }
      return undefined;
    }
  }

  private onEvent(event: UpstreamEvent): void {
    if (event.type === 'final') {
      this.settleFinal(event.data, event.usage, event.text);
      return;
    }
    const chunk = this.replies.chunk(event.line, this.environment.blobs.maxInlineBytes());
    if (chunk === undefined) {
      // A chunk is a token or a tool call; one this large is not worth a reference of its own.
      this.fail({ code: ErrorCode.UpstreamError, message: `the upstream streamed a chunk of ${megabytes(Buffer.byteLength(event.line))}, more than one message bus message (NATS max_payload) carries`, retryable: false });
      return;
    }
    this.forwardedChunks++;
    this.sendInStream(chunk);
  }

  /**
   * Sends the final reply: inline when it fits in one NATS message, otherwise its native object goes
   * to the object store first and the final carries the blob's name (`dataRef`). Its seq is taken
   * when it is sent, so keep-alives may still go out while a large reply is being stored.
   */
  private settleFinal(data: Record<string, unknown>, usage: Usage, text: string | undefined): void {
    const inline = this.replies.final(data, usage, this.environment.blobs.maxInlineBytes(), text);
    if (inline !== undefined) {
      this.finish(inline);
      return;
    }
    this.settling = this.finishByReference(data, usage, text);
  }

  private async finishByReference(data: Record<string, unknown>, usage: Usage, text: string | undefined): Promise<void> {
    const dataRef = finalDataBlobName(this.job.requestId, this.environment.workerId);
    try {
      await this.environment.blobs.put(dataRef, encodeFinalData(data, text));
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (!this.finished) this.fail({ code: ErrorCode.UpstreamError, message: `the reply is larger than one message bus message and could not be stored in the object store: ${detail}`, retryable: false });
      return;
    }
    if (this.finished) {
      // Cancelled or timed out while storing: nobody will come for it.
      await this.environment.blobs.delete(dataRef).catch(() => undefined);
      return;
    }
    this.finish(this.replies.finalByReference(dataRef, usage));
  }

  private finish(payload: string): void {
    this.finished = true;
    this.outcome = 'final';
    this.environment.send(this.replyTo, payload);
  }

  private fail(error: BusError): void {
    this.finished = true;
    this.outcome = error.code;
    this.environment.send(this.replyTo, this.replies.failure(error));
    this.environment.logger.warn(
      {
        requestId: this.job.requestId,
        ...this.trace(),
        model: this.job.model,
        code: error.code,
        status: error.status,
        message: error.message,
      },
      'job failed',
    );
  }

  private sendInStream(payload: string): void {
    if (!this.environment.send(this.replyTo, payload)) {
      this.abandon();
      return;
    }
    // Any reply proves liveness to the edge, so the keep-alive clock restarts.
    this.keepAliveTimer?.refresh();
  }

  /** The edge cannot hear this job any more: abort it quietly (see Interruption.ReplyLost). */
  private abandon(): void {
    if (this.finished) return;
    this.environment.logger.warn({ requestId: this.job.requestId, ...this.trace(), model: this.job.model, chunks: this.forwardedChunks }, 'job abandoned: its replies cannot reach the edge');
    this.interrupt(Interruption.ReplyLost);
  }

  private armTimers(): void {
    const interval = this.environment.keepAliveIntervalMs;
    if (interval > 0) {
      this.keepAliveTimer = setTimeout(() => this.sendKeepAlive(), Math.min(interval, MAX_TIMER_MS));
      this.keepAliveTimer.unref();
    }
    const deadline = this.job.deadline;
    if (deadline === undefined) return;
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      this.interrupt(Interruption.Timeout);
      return;
    }
    this.deadlineTimer = setTimeout(() => this.interrupt(Interruption.Timeout), Math.min(remaining, MAX_TIMER_MS));
    this.deadlineTimer.unref();
  }

  private sendKeepAlive(): void {
    if (this.finished) return;
    this.sendInStream(this.replies.keepAlive());
  }

  private clearTimers(): void {
    clearTimeout(this.keepAliveTimer);
    clearTimeout(this.deadlineTimer);
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}
