import { configureBlobBucket, connectBus, deleteBlob, maxInlinePayload, putBlob, readBlob, type Bus } from '@corral/bus';
import type { WorkerConfig } from '@corral/config';
import { subscribeCommands } from './commands.ts';
import { HeartbeatLoop } from './heartbeat.ts';
import { settleWithin } from './settle-within.ts';
import { JobIntake } from './job-intake.ts';
import { Interruption, type JobEnvironment } from './job-execution.ts';
import { createLogger, type Logger } from '@corral/log';
import { createOllamaUpstream } from './upstreams/ollama/upstream.ts';
import { resolveWorkerId } from './worker-id.ts';

export interface WorkerOptions {
  logger?: Logger;
}

export interface RunningWorker {
  readonly workerId: string;
  /** Stops at once: aborts every job without a reply and closes NATS without a last heartbeat. */
  stop(): Promise<void>;
  /** Refuses new jobs, lets running ones finish (bounded by DRAIN_TIMEOUT_MS), says goodbye, closes. */
  drain(): Promise<void>;
  /** Resolves once a drain, started by drain() or by an operator's drain command, has finished. */
  drained(): Promise<void>;
  inflight(): number;
}

/** How long aborted jobs get to wind down after the drain timeout before NATS closes. */
const ABORT_GRACE_MS = 1000;

export async function startWorker(config: WorkerConfig, options: WorkerOptions = {}): Promise<RunningWorker> {
  const workerId = resolveWorkerId(config.WORKER_ID);
  const logger = options.logger ?? createLogger({ service: 'worker', level: config.LOG_LEVEL, base: { workerId } });
  const maxInflight = Math.max(1, config.WORKER_MAX_INFLIGHT);
  const capacity = Math.max(1, config.WORKER_CAPACITY);
  const heartbeatIntervalMs = Math.max(1, config.HEARTBEAT_INTERVAL_MS);
  const upstream = createOllamaUpstream({
    url: config.OLLAMA_URL,
    maxInflight,
    unresponsiveAfterMs: Math.max(config.OLLAMA_UNRESPONSIVE_MS, 2 * heartbeatIntervalMs),
  });

  let bus: Bus;
  try {
    bus = await connectBus({ servers: config.NATS_URL, name: `corral-worker-${workerId}`, prefix: config.CORRAL_PREFIX });
  } catch (error) {
    await upstream.destroy();
    throw error;
  }
  watchConnection(bus, logger);
  configureBlobBucket(bus, { maxBucketBytes: config.BLOB_BUCKET_MAX_BYTES });

  const environment: JobEnvironment = {
    workerId,
    upstream,
    blobs: {
      maxInlineBytes: () => maxInlinePayload(bus),
      read: (name) => readBlob(bus, name),
      put: (name, bytes) => putBlob(bus, name, bytes),
      delete: (name) => deleteBlob(bus, name),
    },
    keepAliveIntervalMs: config.KEEPALIVE_INTERVAL_MS,
    logger,
    send(subject, payload) {
      // Published while NATS reconnects, a reply is dropped by the client: say so instead.
      if (!bus.isConnected()) return false;
      try {
        bus.publishRaw(subject, payload);
        return true;
      } catch (error) {
        logger.warn({ err: error }, 'reply not sent');
        return false;
      }
    },
  };
  const intake = new JobIntake(environment, { maxInflight, capacity });
  const heartbeat = new HeartbeatLoop({
    bus,
    workerId,
    upstream: upstream.location,
    capacity,
    maxInflight,
    intervalMs: heartbeatIntervalMs,
    inventory: upstream.inventory,
    load: () => ({ inflight: intake.inflight, batchInflight: intake.batchInflight, draining: intake.isDraining, cordoned: intake.isCordoned }),
    logger,
  });

  let draining: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  // drained() settles as the drain does, whoever started it (resolving with a promise adopts its outcome).
  let drainStarted: (drain: Promise<void>) => void = () => undefined;
  const drainedSignal = new Promise<void>((resolve) => (drainStarted = resolve));
  const startDrain = (): Promise<void> => {
    if (!draining) {
      draining = drain();
      drainStarted(draining);
    }
    return draining;
  };

  subscribeJobs(bus, workerId, intake);
  subscribeCommands(
    bus,
    {
      workerId,
      isCordoned: () => intake.isCordoned,
      isDraining: () => intake.isDraining,
      setCordoned(cordoned) {
        if (intake.setCordoned(cordoned)) heartbeat.sendNow();
      },
      startDrain() {
        startDrain().catch((error: unknown) => logger.error({ err: error }, 'drain failed'));
      },
    },
    logger,
  );
  // The server must know the subscriptions before anyone learns this worker exists.
  await bus.nc.flush();
  await heartbeat.start();

  async function drain(): Promise<void> {
    intake.startDraining();
    heartbeat.sendNow();
    logger.info({ inflight: intake.inflight }, 'draining');
    const finished = await settlesWithin(intake.whenIdle(), config.DRAIN_TIMEOUT_MS);
    if (!finished) {
      logger.warn({ inflight: intake.inflight }, 'drain timeout: aborting jobs still running');
      intake.interruptAll(Interruption.Shutdown);
      await settlesWithin(intake.whenIdle(), ABORT_GRACE_MS);
    }
    heartbeat.sendFinal();
    try {
      await bus.drain();
    } catch (error) {
      // Already closed (stop() raced the drain): nothing left to flush.
      logger.debug({ err: error }, 'nats drain skipped');
    }
    await upstream.destroy().catch(() => undefined);
    logger.info('drained');
  }

  async function stop(): Promise<void> {
    heartbeat.stop();
    intake.startDraining();
    intake.interruptAll(Interruption.Stopped);
    // Either may already be closed by a finished drain; stopping twice is not an error.
    await bus.close().catch(() => undefined);
    await upstream.destroy().catch(() => undefined);
  }

  return {
    workerId,
    drain: startDrain,
    drained: () => drainedSignal,
    stop: () => (stopping ??= stop()),
    inflight: () => intake.inflight,
  };
}

/** The intake decodes jobs and cancels itself (the protocol's job-stream codec), to answer an invalid job by its request id. */
function subscribeJobs(bus: Bus, workerId: string, intake: JobIntake): void {
  bus.nc.subscribe(bus.subjects.workerJobs(workerId), {
    callback: (error, msg) => {
      if (!error) intake.onJobMessage(msg);
    },
  });
  bus.nc.subscribe(bus.subjects.workerCancels(workerId), {
    callback: (error, msg) => {
      if (!error) intake.onCancelMessage(msg);
    },
  });
}

function settlesWithin(promise: Promise<void>, timeoutMs: number): Promise<boolean> {
  return settleWithin(promise.then(() => true), timeoutMs).then((settled) => settled ?? false);
}

/** Connection trouble is worth a log line: jobs cannot reach this worker meanwhile. */
function watchConnection(bus: Bus, logger: Logger): void {
  void (async () => {
    for await (const status of bus.nc.status()) {
      if (status.type === 'disconnect') logger.warn('nats disconnected');
      else if (status.type === 'reconnect') logger.info('nats reconnected');
    }
  })().catch(() => undefined);
}
