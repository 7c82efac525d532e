import { BlobError, BlobFailure, deleteBlob, maxInlinePayload, putBlob, takeBlob, type Bus } from '@corral/bus';
import { ErrorCode, PROTOCOL_VERSION, WorkerReply, type BusError, type Job, type Usage } from '@corral/protocol';
import type { FleetTable, WorkerState } from '../fleet/fleet-table.ts';
import { routeModel, spareSlots, type RouteDecision } from '../fleet/router.ts';
import { AsyncQueue } from './async-queue.ts';
import { JobError } from './job-error.ts';

export type JobEvent =
  | { type: 'chunk'; data: Record<string, unknown> }
  | { type: 'final'; data: Record<string, unknown>; usage: Usage; workerId: string };

/** A job as routes build it: always with its body inline; the dispatcher decides how the body travels. */
export type JobSpec = Omit<Job, 'v' | 'body' | 'bodyRef'> & { body: Record<string, unknown> };

export interface JobRun {
  readonly requestId: string;
  /** Native chunks in order, then one final; throws a JobError when the job fails. */
  readonly events: AsyncIterableIterator<JobEvent>;
  /** The worker serving the job, once one accepted it. */
  workerId(): string | undefined;
  /** Stops the job: the worker aborts its Ollama request (frees the GPU). */
  cancel(reason: string): void;
}

export interface DispatcherOptions {
  acceptTimeoutMs: number;
  idleTimeoutMs: number;
  retryAfterSeconds: number;
}

const decoder = new TextDecoder();

/**
 * A worker reply. Token chunks are nearly every message and their envelope is checked by hand (the
 * native chunk inside is the translators' business); every other reply is validated in full.
 */
function decodeReply(bytes: Uint8Array): WorkerReply {
  const raw = JSON.parse(decoder.decode(bytes)) as Record<string, unknown>;
  if (raw.type === 'chunk' && raw.v === PROTOCOL_VERSION && typeof raw.requestId === 'string' && Number.isInteger(raw.seq) && typeof raw.data === 'object' && raw.data !== null && !Array.isArray(raw.data)) {
    return raw as unknown as WorkerReply;
  }
  return WorkerReply.parse(raw);
}
const encoder = new TextEncoder();

/** One try of a job on one worker. */
interface Attempt {
  worker: WorkerState;
  accepted: boolean;
  nextSeq: number;
  timer: NodeJS.Timeout;
  close: () => void;
}

/**
 * Sends jobs to workers and turns their streamed replies into an ordered event stream. A worker that
 * refuses, does not answer, or fails before anything reached the client is replaced by the next
 * candidate; after the first chunk a failure ends the stream with an error, never a hang.
 */
export class Dispatcher {
  private readonly attemptsByWorker = new Map<string, Set<() => void>>();

  constructor(
    private readonly bus: Bus,
    private readonly fleet: FleetTable,
    private readonly options: DispatcherOptions,
  ) {
    fleet.onWorkerLost((workerId) => {
      const losers = this.attemptsByWorker.get(workerId);
      if (!losers) return;
      this.attemptsByWorker.delete(workerId);
      for (const lose of losers) lose();
    });
  }

  /** How many more jobs for `model` the fleet can take right now (see spareSlots). */
  spareSlots(model: string): number {
    return spareSlots(this.fleet, model);
  }

  run(spec: JobSpec): JobRun {
    const queue = new AsyncQueue<JobEvent>();
    const job: Job = { v: PROTOCOL_VERSION, ...spec };
    const route = routeModel(this.fleet, spec.model);
    const candidates = route.candidates;
    /** What every attempt sends: the job inline, or the job naming its body's blob once that is stored. */
    let payload = JSON.stringify(job);
    /** The blob holding the body, once stored: deleted when the run ends. */
    let bodyRef: string | undefined;
    let candidateIndex = 0;
    let attempt: Attempt | undefined;
    let delivered = false;
    let finished = false;
    let lastRefusal: BusError | undefined;

    /** Retries on other workers still need the body, so it goes only when the whole run is over. */
    const releaseBody = () => {
      if (bodyRef === undefined) return;
      const name = bodyRef;
      bodyRef = undefined;
      // Best effort: the bucket's TTL removes what a failed delete leaves behind.
      void deleteBlob(this.bus, name).catch(() => undefined);
    };

    const unregisterLoss = (workerId: string, onLost: () => void) => this.attemptsByWorker.get(workerId)?.delete(onLost);

    const endAttempt = (sendCancel: boolean) => {
      if (!attempt) return;
      const ended = attempt;
      attempt = undefined;
      clearTimeout(ended.timer);
      ended.close();
      this.fleet.jobEnded(ended.worker.workerId);
      unregisterLoss(ended.worker.workerId, onWorkerLost);
      if (sendCancel) this.sendCancel(ended.worker.workerId, spec.requestId);
    };

    const finish = (error?: JobError) => {
      if (finished) return;
      finished = true;
      endAttempt(error !== undefined && error.code !== ErrorCode.Cancelled);
      releaseBody();
      if (error) queue.fail(error);
      else queue.end();
    };

    /** Something went wrong on the current worker: try the next one if the client has seen nothing yet. */
    const fallBack = (error: JobError, cancelCurrent: boolean) => {
      if (finished) return;
      endAttempt(cancelCurrent);
      if (!delivered) tryNext();
      else finish(error);
    };

    const onWorkerLost = () => fallBack(new JobError(ErrorCode.UpstreamUnavailable, 'the worker serving this request went away'), false);

    const onReply = (bytes: Uint8Array, status: { noResponders: boolean }) => {
      const current = attempt;
      if (!current || finished) return;
      if (status.noResponders) {
        fallBack(new JobError(ErrorCode.UpstreamUnavailable, 'worker is not listening'), false);
        return;
      }
      let reply: WorkerReply;
      try {
        reply = decodeReply(bytes);
      } catch {
        fallBack(new JobError(ErrorCode.Internal, 'malformed reply from worker'), true);
        return;
      }
      current.timer.refresh();
      switch (reply.type) {
        case 'accept':
          // From now on silence means a dead worker, judged by the (longer) idle timeout.
          current.accepted = true;
          clearTimeout(current.timer);
          current.timer = setTimeout(onSilence, this.options.idleTimeoutMs);
          return;
        case 'refuse':
          lastRefusal = reply.error;
          fallBack(toJobError(reply.error, this.options.retryAfterSeconds), false);
          return;
        case 'keepalive':
          if (!this.inSequence(current, reply.seq)) fallBack(new JobError(ErrorCode.UpstreamError, 'lost messages from worker'), true);
          return;
        case 'chunk':
          if (!this.inSequence(current, reply.seq)) {
            fallBack(new JobError(ErrorCode.UpstreamError, 'lost messages from worker'), true);
            return;
          }
          delivered = true;
          queue.push({ type: 'chunk', data: reply.data });
          return;
        case 'final':
          if (!this.inSequence(current, reply.seq)) {
            fallBack(new JobError(ErrorCode.UpstreamError, 'lost messages from worker'), true);
            return;
          }
          delivered = true;
          if (reply.dataRef === undefined) {
            queue.push({ type: 'final', data: reply.data, usage: reply.usage, workerId: reply.workerId });
            finish();
            return;
          }
          // The worker is done; only its data is still to fetch, so neither silence nor its loss matters now.
          endAttempt(false);
          void this.fetchFinalData(reply.dataRef).then(
            (data) => {
              if (finished) return;
              queue.push({ type: 'final', data, usage: reply.usage, workerId: reply.workerId });
              finish();
            },
            (error: unknown) => finish(error instanceof JobError ? error : new JobError(ErrorCode.Internal, 'the reply from the worker could not be read')),
          );
          return;
        case 'error': {
          const error = toJobError(reply.error, this.options.retryAfterSeconds);
          if (reply.error.retryable) fallBack(error, false);
          else {
            delivered = true;
            finish(error);
          }
          return;
        }
      }
    };

    const onSilence = () => {
      const current = attempt;
      if (!current) return;
      const message = current.accepted ? 'the worker stopped responding' : 'the worker did not accept the job in time';
      fallBack(new JobError(ErrorCode.Timeout, message), true);
    };

    const tryNext = () => {
      // A job published while NATS is away is lost: say so now instead of after the accept timeout.
      if (!this.bus.isConnected()) {
        finish(this.disconnected());
        return;
      }
      const worker = candidates[candidateIndex++];
      if (!worker) {
        finish(this.exhausted(spec.model, route, lastRefusal));
        return;
      }
      const timer = setTimeout(onSilence, this.options.acceptTimeoutMs);
      const stream = this.bus.openStream(this.bus.subjects.workerJobs(worker.workerId), payload, onReply);
      attempt = { worker, accepted: false, nextSeq: 0, timer, close: stream.close };
      this.fleet.jobStarted(worker.workerId);
      let losers = this.attemptsByWorker.get(worker.workerId);
      if (!losers) this.attemptsByWorker.set(worker.workerId, (losers = new Set()));
      losers.add(onWorkerLost);
    };

    /** A job too large for one NATS message sends its body ahead as a blob, once for every attempt. */
    const start = () => {
      if (!this.bus.isConnected()) {
        finish(this.disconnected());
        return;
      }
      if (fitsInline(payload, maxInlinePayload(this.bus)) || candidates.length === 0) {
        tryNext();
        return;
      }
      const name = `${spec.requestId}.body`;
      const { body, ...envelope } = spec;
      this.storeBody(name, body).then(
        () => {
          bodyRef = name;
          if (finished) {
            releaseBody();
            return;
          }
          payload = JSON.stringify({ v: PROTOCOL_VERSION, ...envelope, bodyRef: name } satisfies Job);
          tryNext();
        },
        (error: JobError) => finish(error),
      );
    };

    start();

    return {
      requestId: spec.requestId,
      events: queue,
      workerId: () => attempt?.worker.workerId,
      cancel: (reason: string) => {
        if (finished) return;
        const current = attempt;
        finished = true;
        endAttempt(false);
        releaseBody();
        if (current) this.sendCancel(current.worker.workerId, spec.requestId, reason);
        queue.fail(new JobError(ErrorCode.Cancelled, reason));
      },
    };
  }

  /** Stores a job's body as a blob; rejects with the JobError the client should see. */
  private async storeBody(name: string, body: Record<string, unknown>): Promise<void> {
    try {
      await putBlob(this.bus, name, encoder.encode(JSON.stringify(body)));
    } catch (error) {
      if (error instanceof BlobError && error.reason === BlobFailure.TooLarge) {
        throw new JobError(ErrorCode.BadRequest, `This request is too large to send to a worker: ${error.message}. Send fewer or smaller images or inputs.`);
      }
      throw new JobError(ErrorCode.UpstreamUnavailable, 'the request is larger than one message bus message, and the object store that carries such requests to workers is unavailable; try again shortly', {
        retryAfterSeconds: this.options.retryAfterSeconds,
      });
    }
  }

  /** The native object of a final sent by reference; the blob was written for this run alone, so it is taken. */
  private async fetchFinalData(dataRef: string): Promise<Record<string, unknown>> {
    let bytes: Uint8Array;
    try {
      bytes = await takeBlob(this.bus, dataRef);
    } catch {
      throw new JobError(ErrorCode.UpstreamUnavailable, "the worker's answer is larger than one message bus message, and the object store holding it could not be read; try again shortly", {
        retryAfterSeconds: this.options.retryAfterSeconds,
      });
    }
    const data = parseObject(decoder.decode(bytes));
    if (!data) throw new JobError(ErrorCode.Internal, 'malformed reply from worker');
    return data;
  }

  private inSequence(attempt: Attempt, seq: number): boolean {
    if (seq !== attempt.nextSeq) return false;
    attempt.nextSeq++;
    return true;
  }

  private sendCancel(workerId: string, requestId: string, reason?: string): void {
    const cancel = { v: PROTOCOL_VERSION, requestId, ...(reason ? { reason } : {}) };
    this.bus.publishRaw(this.bus.subjects.workerCancels(workerId), JSON.stringify(cancel));
  }

  private disconnected(): JobError {
    return new JobError(ErrorCode.UpstreamUnavailable, 'workers cannot be reached right now (the connection to the message bus is being re-established); try again shortly', {
      retryAfterSeconds: this.options.retryAfterSeconds,
    });
  }

  private exhausted(model: string, route: RouteDecision, lastRefusal: BusError | undefined): JobError {
    const retryAfterSeconds = this.options.retryAfterSeconds;
    if (this.fleet.size() === 0) {
      return new JobError(ErrorCode.UpstreamUnavailable, 'no worker is available; try again shortly', { retryAfterSeconds });
    }
    if (!route.modelKnown) return new JobError(ErrorCode.ModelNotFound, `model '${model}' not found`);
    if (route.unhealthy === route.holders) {
      return new JobError(ErrorCode.UpstreamUnavailable, `the Ollama behind every worker serving '${model}' is not answering; try again shortly`, { retryAfterSeconds });
    }
    if (route.candidates.length === 0) {
      return new JobError(ErrorCode.WorkerFull, `every worker serving '${model}' is busy or draining; try again shortly`, { retryAfterSeconds });
    }
    if (lastRefusal && !lastRefusal.retryable) return toJobError(lastRefusal, retryAfterSeconds);
    return new JobError(ErrorCode.WorkerFull, `no worker could take the request for '${model}'; try again shortly`, { retryAfterSeconds });
  }
}

function toJobError(error: BusError, retryAfterSeconds: number): JobError {
  const retryable = error.retryable || error.code === ErrorCode.UpstreamBusy || error.code === ErrorCode.WorkerFull;
  return new JobError(error.code, error.message, {
    ...(error.status !== undefined ? { upstreamStatus: error.status } : {}),
    ...(retryable ? { retryAfterSeconds } : {}),
  });
}

/** A UTF-16 code unit never takes more than 3 bytes in UTF-8, so the common small job is judged without measuring it. */
function fitsInline(payload: string, maxBytes: number): boolean {
  return payload.length * 3 <= maxBytes || Buffer.byteLength(payload) <= maxBytes;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
