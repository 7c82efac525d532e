import { configureBlobBucket, configureFileStore, connectBus } from '@corral/bus';
import type { EdgeConfig } from '@corral/config';
import type { FastifyBaseLogger } from 'fastify';
import { createKeyTable } from './auth/key-table.ts';
import { createTeamTable } from './auth/team-table.ts';
import { openBatchTable } from './batches/batch-work.ts';
import type { EdgeContext } from './context.ts';
import { FleetTable } from './fleet/fleet-table.ts';
import { Dispatcher } from './jobs/dispatcher.ts';
import { createModelTable } from './model-config/model-table.ts';
import { InteractiveLoad } from './pipeline/interactive-load.ts';
import { RateLimiter } from './pipeline/rate-limiter.ts';
import { createUsagePublisher, type UsagePublisher } from './usage/publisher.ts';

export interface EdgeServices {
  readonly context: EdgeContext;
  /** The same publisher as `context.usage`, with what only its owner calls (flush, lists). */
  readonly usage: UsagePublisher;
  close(): Promise<void>;
}

export interface EdgeServicesOptions {
  /** The bus connection's name and inbox owner (an edge's id; its batch thread's own). */
  busName: string;
  logger: FastifyBaseLogger;
}

/**
 * Everything an edge's requests run on — the bus, the fleet table and dispatcher, the replicated
 * keys, teams, models and batches, the usage publisher — opened and ready: no valid key is refused at
 * boot. The HTTP server and the batch thread each open their own.
 */
export async function openEdgeServices(config: EdgeConfig, options: EdgeServicesOptions): Promise<EdgeServices> {
  const { logger } = options;
  const bus = await connectBus({ servers: config.NATS_URL, name: options.busName, prefix: config.CORRAL_PREFIX, ownerId: options.busName });
  configureBlobBucket(bus, { maxBucketBytes: config.BLOB_BUCKET_MAX_BYTES });
  configureFileStore(bus, { maxBucketBytes: config.FILES_BUCKET_MAX_BYTES });
  const fleet = new FleetTable();
  fleet.start(bus);
  const dispatcher = new Dispatcher(bus, fleet, {
    acceptTimeoutMs: config.ACCEPT_TIMEOUT_MS,
    idleTimeoutMs: config.STREAM_IDLE_TIMEOUT_MS,
    retryAfterSeconds: config.RETRY_AFTER_SECONDS,
    logger,
  });
  const keys = config.AUTH_DISABLED ? undefined : createKeyTable(bus, { onInvalid: (hash) => logger.warn({ hash: hash.slice(0, 8) }, 'ignored an invalid key record') });
  const teams = config.AUTH_DISABLED ? undefined : createTeamTable(bus, { onInvalid: (id) => logger.warn({ teamId: id }, 'ignored an invalid team record') });
  const models = createModelTable(bus, { onInvalid: (key) => logger.warn({ key }, 'ignored an invalid model config') });
  const usage = createUsagePublisher(bus, { logger });
  await Promise.all([keys?.ready, teams?.ready, models.ready]);
  const batches = await openBatchTable({ bus, config, logger });
  const interactive = new InteractiveLoad();
  const context: EdgeContext = { config, bus, fleet, dispatcher, keys, teams, models, batches, usage, limits: new RateLimiter(), interactive, logger };
  return {
    context,
    usage,
    async close() {
      interactive.close();
      batches.close();
      fleet.stop();
      await usage.flush(5000);
      keys?.close();
      teams?.close();
      models.close();
      await bus.drain();
    },
  };
}
