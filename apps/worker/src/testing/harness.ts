import { randomBytes, randomUUID } from 'node:crypto';
import { configureBlobBucket, connectBus, type Bus } from '@corral/bus';
import { parseEnv, WorkerConfig } from '@corral/config';
import { TEST_STORAGE_LIMITS, testStorageEnv } from '@corral/testkit/testing';
import { decodeWorkerReply, encodeCancel, encodeJob, Heartbeat, PROTOCOL_VERSION, type Job, type WorkerReply } from '@corral/protocol';
import { silentLogger } from '@corral/log';
import { startWorker, type RunningWorker } from '../worker.ts';

/*
 * Test support: talks to a worker through NATS exactly as an edge does (job with a reply inbox,
 * replies decoded with the protocol's job-stream codec). Not a test itself.
 */

const decoder = new TextDecoder();

export interface JobCall {
  readonly requestId: string;
  /** Every reply so far, decoded and validated. */
  readonly replies: WorkerReply[];
  /** The raw reply payloads, in the same order. */
  readonly raw: string[];
  /** Resolves with all replies once a terminal one (final, error, refuse) arrived. */
  readonly done: Promise<WorkerReply[]>;
  /** Resolves once a reply matches. */
  until(predicate: (reply: WorkerReply) => boolean): Promise<WorkerReply>;
  close(): void;
}

/** Omit applied to each member of a union (an inline job, a job by reference) rather than to their common keys. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A job as a test writes it: the version is added, the request id generated when absent. */
export type JobSubmission = OmitEach<Job, 'v' | 'requestId'> & { requestId?: string };

export interface Harness {
  readonly bus: Bus;
  readonly prefix: string;
  readonly heartbeats: Heartbeat[];
  startWorker(env: Record<string, string>): Promise<RunningWorker>;
  submit(workerId: string, job: JobSubmission): JobCall;
  cancel(workerId: string, requestId: string): void;
  /** Resolves with the first heartbeat (past or future) of a worker that matches. */
  heartbeat(workerId: string, predicate?: (heartbeat: Heartbeat) => boolean): Promise<Heartbeat>;
  close(): Promise<void>;
}

const TERMINAL = new Set(['final', 'error', 'refuse']);
const WAIT_LIMIT_MS = 10_000;

export async function createHarness(options: { natsUrl?: string } = {}): Promise<Harness> {
  const prefix = `wk${process.pid}${randomBytes(4).toString('hex')}`;
  const servers = options.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const bus = await connectBus({ servers, name: 'worker-test', prefix });
  configureBlobBucket(bus, { maxBucketBytes: TEST_STORAGE_LIMITS.blobBucketMaxBytes });
  const heartbeats: Heartbeat[] = [];
  const heartbeatWaiters = new Set<() => void>();
  bus.subscribe(bus.subjects.heartbeat(), Heartbeat, (heartbeat) => {
    heartbeats.push(heartbeat);
    for (const check of heartbeatWaiters) check();
  });
  await bus.nc.flush();
  const workers: RunningWorker[] = [];

  return {
    bus,
    prefix,
    heartbeats,
    async startWorker(env) {
      const config = parseEnv(WorkerConfig, { NATS_URL: servers, CORRAL_PREFIX: prefix, LOG_LEVEL: 'silent', ...testStorageEnv, ...env });
      const worker = await startWorker(config, { logger: silentLogger });
      workers.push(worker);
      return worker;
    },
    submit(workerId, spec) {
      const requestId = spec.requestId ?? randomUUID();
      const job: Job = { v: PROTOCOL_VERSION, ...spec, requestId };
      const replies: WorkerReply[] = [];
      const raw: string[] = [];
      const waiters = new Set<() => void>();
      let resolveDone: (replies: WorkerReply[]) => void = () => undefined;
      const done = new Promise<WorkerReply[]>((resolve) => (resolveDone = resolve));
      const stream = bus.openStream(bus.subjects.workerJobs(workerId), encodeJob(job), (data) => {
        const reply = decodeWorkerReply(data);
        raw.push(decoder.decode(data));
        replies.push(reply);
        for (const check of waiters) check();
        if (TERMINAL.has(reply.type)) resolveDone(replies);
      });
      return {
        requestId,
        replies,
        raw,
        done: withLimit(done, `job ${requestId} did not finish`),
        until(predicate) {
          const found = replies.find(predicate);
          if (found) return Promise.resolve(found);
          return withLimit(
            new Promise<WorkerReply>((resolve) => {
              const check = () => {
                const match = replies.find(predicate);
                if (!match) return;
                waiters.delete(check);
                resolve(match);
              };
              waiters.add(check);
            }),
            `job ${requestId}: expected reply never came`,
          );
        },
        close: stream.close,
      };
    },
    cancel(workerId, requestId) {
      bus.publishRaw(bus.subjects.workerCancels(workerId), encodeCancel(requestId));
    },
    heartbeat(workerId, predicate = () => true) {
      const matches = (heartbeat: Heartbeat) => heartbeat.workerId === workerId && predicate(heartbeat);
      const found = heartbeats.find(matches);
      if (found) return Promise.resolve(found);
      return withLimit(
        new Promise<Heartbeat>((resolve) => {
          const check = () => {
            const match = heartbeats.find(matches);
            if (!match) return;
            heartbeatWaiters.delete(check);
            resolve(match);
          };
          heartbeatWaiters.add(check);
        }),
        `no matching heartbeat from ${workerId}`,
      );
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.stop()));
      await bus.close();
    },
  };
}

function withLimit<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message)), WAIT_LIMIT_MS);
    timer.unref();
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The seq of every reply after accept, in arrival order. */
export function sequenceOf(replies: WorkerReply[]): number[] {
  return replies.flatMap((reply) => ('seq' in reply ? [reply.seq] : []));
}
