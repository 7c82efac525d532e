import { parentPort, workerData } from 'node:worker_threads';
import type { EdgeConfig } from '@corral/config';
import { createLogger } from '@corral/log';
import type { FastifyBaseLogger } from 'fastify';
import { InteractiveLoad } from '../pipeline/interactive-load.ts';
import { openEdgeServices } from '../services.ts';
import { startBatchRunners } from './batch-work.ts';
import { STOP_BATCH_THREAD } from './batch-thread-host.ts';

/** What an edge hands its batch thread. */
export interface BatchThreadData {
  config: EdgeConfig;
  /** The thread's own bus connection name and inbox owner. */
  busName: string;
  /** The HTTP side's interactive load (`InteractiveLoad.shared`). */
  interactive: SharedArrayBuffer;
}

// The entry of an edge's batch thread (batch-thread-host.ts): the batch runners on services of their own.
const { config, busName, interactive } = workerData as BatchThreadData;
const logger = createLogger({ service: 'edge', level: config.LOG_LEVEL, base: { thread: 'batches' } }) as FastifyBaseLogger;
const services = await openEdgeServices(config, { busName, logger });
const load = InteractiveLoad.reader(interactive, config.BATCH_YIELD_UTILIZATION);
const runners = startBatchRunners(services.context, services.usage, () => load.batchMayStart());
logger.debug({ busName }, 'batch thread running');

parentPort?.on('message', (message: unknown) => {
  if (message !== STOP_BATCH_THREAD) return;
  void (async () => {
    try {
      await runners.stop();
      await services.close();
    } catch (error) {
      logger.warn({ err: error }, 'the batch thread did not close cleanly');
    } finally {
      process.exit(0);
    }
  })();
});
