import type { Bus, KvBucket } from '@corral/bus';
import type { Db } from '@corral/db';
import type { Logger } from '@corral/log';

/** What every handler and background task of accounting is given. */
export interface AccountingContext {
  db: Db;
  bus: Bus;
  keys: KvBucket;
  models: KvBucket;
  teams: KvBucket;
  logger: Logger;
}
