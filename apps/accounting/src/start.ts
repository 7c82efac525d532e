import { resolve } from 'node:path';
import { connectBus, ensureUsageStream, openKv } from '@corral/bus';
import type { AccountingConfig } from '@corral/config';
import { createDb, ensureDatabase, migrate, resolveDatabase, type DatabaseSource, type ResolvedDatabase } from '@corral/db';
import type { AccountingContext } from './context.ts';
import { handlers } from './handlers/index.ts';
import type { Logger } from '@corral/log';
import { reconcile, startReconciler } from './reconcile.ts';
import { serveHandlers } from './serve.ts';
import { startUsageConsumer } from './usage/consumer.ts';

export interface StartAccountingOptions {
  logger: Logger;
  /** A database found beforehand (the launcher, tests); otherwise resolved from the config. */
  database?: ResolvedDatabase;
  /** Redelivery delay of unacknowledged usage events, set when the durable consumer is created. Default: 30 s. */
  usageAckWaitMs?: number;
}

export interface Accounting {
  readonly databaseSource: DatabaseSource;
  /** Usage events this process has stored. */
  readonly storedUsage: number;
  stop(): Promise<void>;
}

/**
 * Boots one accounting replica: database (found, migrated), stream and buckets, keys and models
 * brought into KV, then the request handlers, the usage consumer and the periodic reconciliation
 * that heals KV drift.
 */
export async function startAccounting(config: AccountingConfig, options: StartAccountingOptions): Promise<Accounting> {
  const { logger } = options;
  const database =
    options.database ??
    (await resolveDatabase(config.DATABASE_URL ? { DATABASE_URL: config.DATABASE_URL } : {}, {
      dataDir: resolve(config.CORRAL_DATA_DIR),
      onLog: (message) => logger.debug({ postgres: message.trim() }, 'embedded postgres'),
    }));
  const where = new URL(database.url);
  logger.info({ source: database.source, host: where.host, database: where.pathname.slice(1) }, `using ${database.source} Postgres at ${where.host}${where.pathname}`);

  // A DATABASE_URL may name a database that does not exist yet; without the rights to create it, migrate says so.
  await ensureDatabase(database.url).catch((error: unknown) => logger.warn({ err: error }, 'could not check or create the database'));
  await migrate(database.url);
  const handle = createDb(database.url, { onIdleError: (error) => logger.warn({ err: error }, 'a Postgres connection dropped') });
  const bus = await connectBus({ servers: config.NATS_URL, name: 'accounting', prefix: config.CORRAL_PREFIX });
  try {
    await ensureUsageStream(bus, { maxBytes: config.USAGE_STREAM_MAX_BYTES });
    const context: AccountingContext = {
      db: handle.db,
      bus,
      keys: await openKv(bus, 'keys'),
      models: await openKv(bus, 'models'),
      teams: await openKv(bus, 'teams'),
      logger,
    };
    const synced = await reconcile(context);
    logger.info({ ...synced }, 'keys, models and teams replicated to KV');

    const server = serveHandlers(context, handlers);
    const consumer = await startUsageConsumer(context, {
      batchSize: config.ACCOUNTING_BATCH_SIZE,
      batchMs: config.ACCOUNTING_BATCH_MS,
      ...(options.usageAckWaitMs === undefined ? {} : { ackWaitMs: options.usageAckWaitMs }),
    });
    const reconciler = startReconciler(context, { intervalMs: config.ACCOUNTING_RESYNC_INTERVAL_MS });
    logger.info({ prefix: config.CORRAL_PREFIX }, 'accounting ready');

    return {
      databaseSource: database.source,
      get storedUsage() {
        return consumer.stored;
      },
      async stop() {
        await reconciler?.stop();
        await server.stop();
        await consumer.stop();
        await bus.drain().catch(() => bus.close());
        await handle.close();
        // Only a database this call started is ours to stop.
        if (!options.database) await database.stop?.();
        logger.info('accounting stopped');
      },
    };
  } catch (error) {
    await bus.close();
    await handle.close();
    if (!options.database) await database.stop?.();
    throw error;
  }
}
