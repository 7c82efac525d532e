import { parseEnv, WorkerConfig } from '@corral/config';
import { createLogger } from './logger.ts';
import { resolveWorkerId } from './worker-id.ts';
import { startWorker, type RunningWorker } from './worker.ts';

const parsed = parseEnv(WorkerConfig, process.env);
// Resolved here so every log line, not just those after startup, names this worker.
const config: WorkerConfig = { ...parsed, WORKER_ID: resolveWorkerId(parsed.WORKER_ID) };
const logger = createLogger({ level: config.LOG_LEVEL, base: { service: 'worker', workerId: config.WORKER_ID } });

let worker: RunningWorker;
try {
  worker = await startWorker(config, { logger });
} catch (error) {
  logger.fatal('worker failed to start', { error, ollama: config.OLLAMA_URL, nats: config.NATS_URL });
  process.exit(1);
}
logger.info('worker started', { ollama: config.OLLAMA_URL, nats: config.NATS_URL, prefix: config.CORRAL_PREFIX });

let signalled = false;
function onSignal(signal: NodeJS.Signals): void {
  if (signalled) {
    // A second signal means the operator will not wait for the drain.
    logger.warn('second signal: exiting without finishing the drain', { signal });
    void worker.stop().finally(() => process.exit(1));
    return;
  }
  signalled = true;
  logger.info('signal received: draining', { signal, inflight: worker.inflight() });
  worker.drain().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error('drain failed', { error });
      process.exit(1);
    },
  );
}
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);
