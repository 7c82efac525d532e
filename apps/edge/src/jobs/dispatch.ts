import { maxInlinePayload } from '@corral/bus';
import { ErrorCode, planJob, type BusError, type Final } from '@corral/protocol';
import { routeModel, type RouteDecision } from '../fleet/router.ts';
import { AsyncQueue } from './async-queue.ts';
import { Attempt, type AttemptContext, type AttemptOwner } from './attempt.ts';
import { disconnectedError, exhaustedError } from './dispatch-errors.ts';
import { fetchFinalData, releaseJobBody, storeJobBody } from './job-blobs.ts';
import { JobError } from './job-error.ts';
import type { JobEvent, JobRun, JobSpec } from './job-run.ts';

/**
 * One request's way through the fleet: its candidate workers in routing order, one attempt at a
 * time. A worker that refuses, does not answer, or fails before anything reached the client is
 * replaced by the next candidate; after the first chunk a failure ends the run with an error.
 */
export class Dispatch implements JobRun, AttemptOwner {
  readonly events = new AsyncQueue<JobEvent>();
  private readonly route: RouteDecision;
  private nextCandidate = 0;
  private attempt: Attempt | undefined;
  /** What every attempt sends: the job inline, or the job naming its body's blob once that is stored. */
  private payload = '';
  /** The blob holding the body, once stored: deleted when the run ends (retries need it until then). */
  private bodyBlob: string | undefined;
  private lastRefusal: BusError | undefined;
  private finished = false;

  constructor(
    private readonly spec: JobSpec,
    private readonly context: AttemptContext,
  ) {
    this.route = routeModel(context.fleet, spec.model);
  }

  get requestId(): string {
    return this.spec.requestId;
  }

  workerId(): string | undefined {
    return this.attempt?.isLive ? this.attempt.worker.workerId : undefined;
  }

  /** A job too large for one NATS message sends its body ahead as a blob, once for every attempt. */
  start(): void {
    const { bus, options } = this.context;
    if (!bus.isConnected()) return this.finish(disconnectedError(options.retryAfterSeconds));
    if (this.route.candidates.length === 0) return this.tryNext();
    const plan = planJob(this.spec, maxInlinePayload(bus));
    this.payload = plan.payload;
    if (!plan.bodyBlob) return this.tryNext();
    const blob = plan.bodyBlob;
    storeJobBody(bus, blob, options.retryAfterSeconds, options.logger).then(
      () => {
        this.bodyBlob = blob.name;
        if (this.finished) this.releaseBody();
        else this.tryNext();
      },
      (error: JobError) => this.finish(error),
    );
  }

  cancel(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.attempt?.abort(reason);
    this.releaseBody();
    this.events.fail(new JobError(ErrorCode.Cancelled, reason));
  }

  chunk(data: Record<string, unknown>): void {
    this.events.push({ type: 'chunk', data });
  }

  completed(final: Final): void {
    const { usage, workerId } = final;
    if (final.dataRef === undefined) {
      this.events.push({ type: 'final', data: final.data, usage, workerId });
      this.finish();
      return;
    }
    fetchFinalData(this.context.bus, final.dataRef, this.context.options.retryAfterSeconds, this.context.options.logger).then(
      (data) => {
        if (this.finished) return;
        this.events.push({ type: 'final', data, usage, workerId });
        this.finish();
      },
      (error: unknown) => this.finish(error instanceof JobError ? error : new JobError(ErrorCode.Internal, 'the reply from the worker could not be read')),
    );
  }

  failed(error: JobError, outcome: { retry: boolean; refusal?: BusError }): void {
    if (outcome.refusal) this.lastRefusal = outcome.refusal;
    if (this.finished) return;
    if (outcome.retry) this.tryNext();
    else this.finish(error);
  }

  private tryNext(): void {
    const { bus, fleet, options } = this.context;
    // A job published while NATS is away is lost: say so now instead of after the accept timeout.
    if (!bus.isConnected()) return this.finish(disconnectedError(options.retryAfterSeconds));
    const worker = this.route.candidates[this.nextCandidate++];
    if (!worker) return this.finish(exhaustedError(fleet, this.spec.model, this.route, this.lastRefusal, options.retryAfterSeconds));
    this.attempt = new Attempt(worker, this.spec.requestId, this.context, this);
    this.attempt.offer(this.payload);
  }

  private finish(error?: JobError): void {
    if (this.finished) return;
    this.finished = true;
    // Every outcome ends its attempt before reporting it; this only guards against a run ended some other way.
    this.attempt?.end();
    this.releaseBody();
    if (error) this.events.fail(error);
    else this.events.end();
  }

  private releaseBody(): void {
    if (this.bodyBlob === undefined) return;
    releaseJobBody(this.context.bus, this.bodyBlob);
    this.bodyBlob = undefined;
  }
}
