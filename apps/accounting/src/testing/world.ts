import { randomBytes } from 'node:crypto';
import { connectBus, deleteKv, deleteUsageStream, type Bus } from '@corral/bus';
import { AccountingConfig, parseEnv } from '@corral/config';
import { DatabaseSource, dropDatabase, ensureDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { testStorageEnv } from '@corral/testkit/testing';
import { createLogger } from '@corral/log';
import { startAccounting, type Accounting } from '../start.ts';

export const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** One suite's world: its own database, subject prefix, captured logs and a client bus. */
export interface TestWorld {
  prefix: string;
  databaseUrl: string;
  config: AccountingConfig;
  logs: string[];
  bus: Bus;
  accounting: Accounting | undefined;
  start(options?: { usageAckWaitMs?: number }): Promise<Accounting>;
  close(): Promise<void>;
}

export interface TestWorldOptions {
  databaseUrl?: string;
  batchSize?: number;
  resyncIntervalMs?: number;
  /** Default: the shared NATS server. */
  natsUrl?: string;
}

export async function createTestWorld(label: string, options: TestWorldOptions = {}): Promise<TestWorld> {
  const worldNatsUrl = options.natsUrl ?? natsUrl;
  const prefix = `t${label}${process.pid}${randomBytes(3).toString('hex')}`;
  const databaseUrl = options.databaseUrl ?? testDatabaseUrl(label);
  await ensureDatabase(databaseUrl);
  const config = parseEnv(AccountingConfig, {
    NATS_URL: worldNatsUrl,
    CORRAL_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'debug',
    ...testStorageEnv,
    ACCOUNTING_BATCH_SIZE: String(options.batchSize ?? 200),
    ...(options.resyncIntervalMs === undefined ? {} : { ACCOUNTING_RESYNC_INTERVAL_MS: String(options.resyncIntervalMs) }),
  });
  const logs: string[] = [];
  const bus = await connectBus({ servers: worldNatsUrl, name: `test-${label}`, prefix });
  const world: TestWorld = {
    prefix,
    databaseUrl,
    config,
    logs,
    bus,
    accounting: undefined,
    async start(startOptions = {}) {
      world.accounting = await startAccounting(config, {
        logger: createLogger({ service: 'accounting', level: 'debug', write: (line) => logs.push(line) }),
        database: { url: databaseUrl, source: DatabaseSource.Env },
        ...startOptions,
      });
      return world.accounting;
    },
    async close() {
      await world.accounting?.stop();
      await deleteUsageStream(bus);
      await deleteKv(bus, 'keys');
      await deleteKv(bus, 'models');
      await deleteKv(bus, 'teams');
      await bus.close();
      if (!options.databaseUrl) await dropDatabase(databaseUrl);
    },
  };
  return world;
}
