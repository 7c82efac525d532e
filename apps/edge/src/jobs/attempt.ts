import type { Bus } from '@corral/bus';
import { encodeCancel, ErrorCode, JobStreamError, ReplyReader, StreamFault, type BusError, type Final, type WorkerReply } from '@corral/protocol';
import type { FleetTable, WorkerState } from '../fleet/fleet-table.ts';
import { JobError, toJobError } from './job-error.ts';
import type { DispatcherOptions } from './job-run.ts';
import type { LossListener, WorkerLosses } from './worker-losses.ts';

/**
 * Where one try of a job on one worker stands. Offering: the job is sent, the accept timeout runs.
 * Accepted: the worker took it, silence is judged by the (longer) idle timeout. Streaming: chunks
 * reached the caller, so a failure can no longer be retried elsewhere. Ended: it no longer listens.
 */
export const AttemptState = { Offering: 'offering', Accepted: 'accepted', Streaming: 'streaming', Ended: 'ended' } as const;
export type AttemptState = (typeof AttemptState)[keyof typeof AttemptState];

/** What an attempt reports to the run it belongs to; it has ended before it reports an outcome. */
export interface AttemptOwner {
  /** A native chunk for the caller. */
  chunk(data: Record<string, unknown>): void;
  /** The worker's final reply, its data inline or in a blob. */
  completed(final: Final): void;
  /** No answer from this worker. `retry` when nothing reached the caller and another worker may serve it; `refusal` when the worker refused. */
  failed(error: JobError, outcome: { retry: boolean; refusal?: BusError }): void;
}

/** What every attempt needs from the dispatcher around it. */
export interface AttemptContext {
  readonly bus: Bus;
  readonly fleet: FleetTable;
  readonly options: DispatcherOptions;
  readonly losses: WorkerLosses;
}

/** One try of a job on one worker: sends it, reads the worker's replies in order, watches for silence. */
export class Attempt implements LossListener {
  private state: AttemptState = AttemptState.Offering;
  private readonly reader = new ReplyReader();
  private timer: NodeJS.Timeout | undefined;
  private stream: { close: () => void } | undefined;

  constructor(
    readonly worker: WorkerState,
    private readonly requestId: string,
    private readonly context: AttemptContext,
    private readonly owner: AttemptOwner,
  ) {}

  get isLive(): boolean {
    return this.state !== AttemptState.Ended;
  }

  /** Sends the job (`payload`, encoded once for every attempt) and starts listening. */
  offer(payload: string): void {
    const { bus, fleet, losses, options } = this.context;
    const workerId = this.worker.workerId;
    this.timer = setTimeout(() => this.onSilence(), options.acceptTimeoutMs);
    this.stream = bus.openStream(bus.subjects.workerJobs(workerId), payload, (bytes, status) => this.onReply(bytes, status));
    fleet.jobStarted(workerId);
    losses.watch(workerId, this);
  }

  /** Stops listening; the worker is told nothing (it is done, or gone). */
  end(): void {
    if (this.state === AttemptState.Ended) return;
    this.state = AttemptState.Ended;
    clearTimeout(this.timer);
    this.stream?.close();
    this.context.fleet.jobEnded(this.worker.workerId);
    this.context.losses.unwatch(this.worker.workerId, this);
  }

  /** Stops listening and tells the worker to stop too (it frees the GPU). */
  abort(reason?: string): void {
    if (this.state === AttemptState.Ended) return;
    this.end();
    const { bus } = this.context;
    bus.publishRaw(bus.subjects.workerCancels(this.worker.workerId), encodeCancel(this.requestId, reason));
  }

  workerLost(): void {
    this.fail(new JobError(ErrorCode.UpstreamUnavailable, 'the worker serving this request went away'), { cancelWorker: false });
  }

  private onReply(bytes: Uint8Array, status: { noResponders: boolean }): void {
    if (this.state === AttemptState.Ended) return;
    if (status.noResponders) {
      this.fail(new JobError(ErrorCode.UpstreamUnavailable, 'worker is not listening'), { cancelWorker: false });
      return;
    }
    let reply: WorkerReply;
    try {
      reply = this.reader.read(bytes);
    } catch (error) {
      this.fail(streamFaultError(error), { cancelWorker: true });
      return;
    }
    this.timer?.refresh();
    this.onValidReply(reply);
  }

  private onValidReply(reply: WorkerReply): void {
    switch (reply.type) {
      case 'accept':
        this.state = AttemptState.Accepted;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.onSilence(), this.context.options.idleTimeoutMs);
        return;
      case 'refuse':
        this.fail(toJobError(reply.error, this.context.options.retryAfterSeconds), { cancelWorker: false, refusal: reply.error });
        return;
      case 'keepalive':
        return;
      case 'chunk':
        this.state = AttemptState.Streaming;
        this.owner.chunk(reply.data);
        return;
      case 'final':
        // The worker is done; only its data may still be to fetch, so neither silence nor its loss matters now.
        this.end();
        this.owner.completed(reply);
        return;
      case 'error':
        // The worker's last word: it has stopped, so it needs no cancel.
        this.fail(toJobError(reply.error, this.context.options.retryAfterSeconds), { cancelWorker: false, retryable: reply.error.retryable });
        return;
    }
  }

  private onSilence(): void {
    const message = this.state === AttemptState.Offering ? 'the worker did not accept the job in time' : 'the worker stopped responding';
    this.fail(new JobError(ErrorCode.Timeout, message), { cancelWorker: true });
  }

  /**
   * Ends the attempt and reports why. `cancelWorker` when the worker may still be running the job;
   * `retryable: false` when the worker said no other worker would do better.
   */
  private fail(error: JobError, how: { cancelWorker: boolean; retryable?: boolean; refusal?: BusError }): void {
    if (this.state === AttemptState.Ended) return;
    const retry = (how.retryable ?? true) && this.state !== AttemptState.Streaming;
    if (how.cancelWorker) this.abort();
    else this.end();
    this.owner.failed(error, { retry, ...(how.refusal ? { refusal: how.refusal } : {}) });
  }
}

function streamFaultError(error: unknown): JobError {
  if (error instanceof JobStreamError && error.fault === StreamFault.OutOfSequence) return new JobError(ErrorCode.UpstreamError, 'lost messages from worker');
  return new JobError(ErrorCode.Internal, 'malformed reply from worker');
}
