import { parseEnv, WorkerConfig } from '@corral/config';
import { createLogger } from '@corral/log';
import { fixHeapGrowth } from './heap-growth.ts';
import { resolveWorkerId } from './worker-id.ts';
import { startWorker, type RunningWorker } from './worker.ts';

const parsed = parseEnv(WorkerConfig, process.env);
// Resolved here so every log line, not just those after startup, names this worker.
const config: WorkerConfig = { ...parsed, WORKER_ID: resolveWorkerId(parsed.WORKER_ID) };
const logger = createLogger({ service: 'worker', level: config.LOG_LEVEL, base: { workerId: config.WORKER_ID } });
// Before the worker allocates its working set, so the first limit V8 computes already uses it.
const heapGrowthPercent = fixHeapGrowth(config.WORKER_HEAP_GROWTH_PERCENT);

let worker: RunningWorker;
try {
  worker = await startWorker(config, { logger });
} catch (error) {
  logger.fatal({ err: error, ollama: config.OLLAMA_URL, nats: config.NATS_URL }, 'worker failed to start');
  process.exit(1);
}
logger.info({ ollama: config.OLLAMA_URL, nats: config.NATS_URL, prefix: config.CORRAL_PREFIX, heapGrowthPercent: heapGrowthPercent ?? 'v8' }, 'worker started');

// An operator's drain command ends the process as SIGTERM does, once the jobs in flight are done.
worker.drained().then(
  () => process.exit(0),
  (error: unknown) => {
    logger.error({ err: error }, 'drain failed');
    process.exit(1);
  },
);

let signalled = false;
function onSignal(signal: NodeJS.Signals): void {
  if (signalled) {
    // A second signal means the operator will not wait for the drain.
    logger.warn({ signal }, 'second signal: exiting without finishing the drain');
    void worker.stop().finally(() => process.exit(1));
    return;
  }
  signalled = true;
  logger.info({ signal, inflight: worker.inflight() }, 'signal received: draining');
  // drained() (above) exits once this drain is done.
  void worker.drain().catch(() => undefined);
}
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
