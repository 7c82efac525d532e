import type { Msg } from '@corral/bus';
import { decodeCancel, decodeJob, encodeFailure, encodeRefuse, ErrorCode, JobLane, JobStreamError, type Cancel, type Job } from '@corral/protocol';
import { Interruption, JobExecution, type JobEnvironment } from './job-execution.ts';

/** Cancels that arrived before their job (different subjects may interleave) are remembered briefly. */
const REMEMBERED_CANCELS = 1024;

export interface IntakeLimits {
  /** Hard cap on running jobs of every lane. */
  readonly maxInflight: number;
  /** The upstream's parallel slots (WORKER_CAPACITY): jobs beyond them wait in Ollama's queue. */
  readonly capacity: number;
}

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
    private readonly limits: IntakeLimits,
  ) {}

  get inflight(): number {
    return this.running.size;
  }

  /** Of `inflight`, the jobs of the batch lane (a preempted one counts until its request has wound down). */
  get batchInflight(): number {
    let count = 0;
    for (const execution of this.running.values()) if (execution.lane === JobLane.Batch) count++;
    return count;
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
    if (this.running.size >= this.limits.maxInflight) {
      this.environment.send(replyTo, encodeRefuse(job.requestId, workerId, { code: ErrorCode.WorkerFull, message: 'the worker is at its in-flight limit', retryable: true }));
      return;
    }
    if (this.running.has(job.requestId)) {
      this.environment.send(replyTo, encodeRefuse(job.requestId, workerId, { code: ErrorCode.Conflict, message: 'this request id is already running here', retryable: false }));
      return;
    }
    /*
     * Lanes: interactive jobs are admitted up to maxInflight, as ever. A batch job runs only on
     * capacity interactive work leaves free: it is admitted while fewer jobs (of any lane) hold an
     * upstream slot than the worker's capacity, so it never waits in Ollama's queue, and refused as
     * full otherwise (the edge tries elsewhere or later). Edges only send batch jobs to workers their
     * fleet table shows with spare slots, but several edges may race, so the rule is enforced here.
     * When an interactive job pushes the slots held past capacity, the most recently started batch
     * jobs give theirs back (see preemptBatchJobs).
     */
    const lane = job.lane ?? JobLane.Interactive;
    if (lane === JobLane.Batch && this.slotsHeld() >= this.limits.capacity) {
      this.environment.send(replyTo, encodeRefuse(job.requestId, workerId, { code: ErrorCode.WorkerFull, message: 'the worker has no slot free for batch work', retryable: true }));
      return;
    }
    const execution = new JobExecution(job, replyTo, this.environment);
    this.running.set(job.requestId, execution);
    // Preempted first, so Ollama frees the slots before the interactive request reaches it.
    if (lane === JobLane.Interactive) this.preemptBatchJobs();
    void execution.run().finally(() => this.release(job.requestId));
  }

  /** Jobs occupying one of the upstream's parallel slots (interrupted ones and answered ones do not). */
  private slotsHeld(): number {
    let count = 0;
    for (const execution of this.running.values()) if (execution.holdsUpstreamSlot) count++;
    return count;
  }

  /**
   * Cancels batch jobs, the most recently started first (the least work lost), until the slots held
   * are back within capacity or no batch job holds one. Each answers its edge with a retryable
   * `preempted` failure.
   */
  private preemptBatchJobs(): void {
    let excess = this.slotsHeld() - this.limits.capacity;
    if (excess <= 0) return;
    // The map keeps insertion order, which is the order jobs started in.
    const newestFirst = [...this.running.values()].reverse();
    for (const execution of newestFirst) {
      if (excess <= 0) return;
      if (execution.lane !== JobLane.Batch || !execution.holdsUpstreamSlot) continue;
      execution.interrupt(Interruption.Preempted);
      excess--;
    }
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
