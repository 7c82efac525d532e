import type { Msg } from '@corral/bus';
import { decodeCancel, decodeJob, encodeFailure, encodeRefuse, ErrorCode, JobStreamError, type Cancel, type Job } from '@corral/protocol';
import { Interruption, JobExecution, type JobEnvironment } from './job-execution.ts';

/** Cancels that arrived before their job (different subjects may interleave) are remembered briefly. */
const REMEMBERED_CANCELS = 1024;

/**
 * Admits or refuses incoming jobs, tracks the ones running and routes cancels to them.
 */
export class JobIntake {
  private readonly running = new Map<string, JobExecution>();
  private readonly earlyCancels = new Set<string>();
  private idleWaiters: Array<() => void> = [];
  private draining = false;
  private cordoned = false;

  constructor(
    private readonly environment: JobEnvironment,
    private readonly maxInflight: number,
  ) {}

  get inflight(): number {
    return this.running.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Cordoned by an operator: new jobs are refused (edges try another worker), running ones finish. */
  get isCordoned(): boolean {
    return this.cordoned;
  }

  startDraining(): void {
    this.draining = true;
  }

  /** Sets the cordon; returns whether that changed it. */
  setCordoned(cordoned: boolean): boolean {
    const changed = this.cordoned !== cordoned;
    this.cordoned = cordoned;
    return changed;
  }

  /** A job message from the edge; one that does not decode is answered with bad_request. */
  onJobMessage(msg: Msg): void {
    const replyTo = msg.reply;
    if (!replyTo) return; // A job nobody listens to the answer of is not worth a GPU.
    let job: Job;
    try {
      job = decodeJob(msg.data);
    } catch (error) {
      this.answerInvalidJob(error, replyTo);
      return;
    }
    this.admit(job, replyTo);
  }

  /** A cancel that does not decode names no job to stop, so it is dropped. */
  onCancelMessage(msg: Msg): void {
    let cancel: Cancel;
    try {
      cancel = decodeCancel(msg.data);
    } catch {
      return;
    }
    this.cancel(cancel);
  }

  private admit(job: Job, replyTo: string): void {
    const { workerId } = this.environment;
    if (this.earlyCancels.delete(job.requestId)) return;
    if (this.draining) {
      this.environment.send(replyTo, encodeRefuse(job.requestId, workerId, { code: ErrorCode.Draining, message: 'the worker is draining', retryable: true }));
      return;
    }
    // The same refusal as draining, which edges already answer by trying the next worker.
    if (this.cordoned) {
      this.environment.send(replyTo, encodeRefuse(job.requestId, workerId, { code: ErrorCode.Draining, message: 'the worker is cordoned', retryable: true }));
      return;
    }
    if (this.running.size >= this.maxInflight) {
      this.environment.send(replyTo, encodeRefuse(job.requestId, workerId, { code: ErrorCode.WorkerFull, message: 'the worker is at its in-flight limit', retryable: true }));
      return;
    }
    if (this.running.has(job.requestId)) {
      this.environment.send(replyTo, encodeRefuse(job.requestId, workerId, { code: ErrorCode.Conflict, message: 'this request id is already running here', retryable: false }));
      return;
    }
    const execution = new JobExecution(job, replyTo, this.environment);
    this.running.set(job.requestId, execution);
    void execution.run().finally(() => this.release(job.requestId));
  }

  private answerInvalidJob(error: unknown, replyTo: string): void {
    const detail = error instanceof Error ? error.message.slice(0, 500) : 'invalid job';
    const failure = { code: ErrorCode.BadRequest, message: `invalid job: ${detail}`, retryable: false };
    // The request id, when the message still names one, lets the edge match the error to its request.
    const requestId = error instanceof JobStreamError ? (error.requestId ?? '') : '';
    this.environment.send(replyTo, encodeFailure(requestId, 0, failure, this.environment.workerId));
  }

  private cancel(cancel: Cancel): void {
    const execution = this.running.get(cancel.requestId);
    if (execution) {
      execution.interrupt(Interruption.Cancelled);
      return;
    }
    this.earlyCancels.add(cancel.requestId);
    if (this.earlyCancels.size > REMEMBERED_CANCELS) {
      const oldest = this.earlyCancels.values().next().value;
      if (oldest !== undefined) this.earlyCancels.delete(oldest);
    }
  }

  interruptAll(reason: Interruption): void {
    for (const execution of this.running.values()) execution.interrupt(reason);
  }

  /** Resolves once no job is running. */
  whenIdle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private release(requestId: string): void {
    this.running.delete(requestId);
    if (this.running.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
