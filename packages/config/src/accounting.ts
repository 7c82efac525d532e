import { z } from 'zod';
import { busSettings, integer, optionalString } from './shared.ts';

export const AccountingConfig = z.object({
  ...busSettings,
  /** Postgres URL. Default: unset, then a server on 127.0.0.1:5432 (database `corral`), then an embedded Postgres. */
  DATABASE_URL: optionalString,
  /** Most usage events written in one transaction. Default: 200. */
  ACCOUNTING_BATCH_SIZE: z.preprocess((value) => (value === '' || value === undefined ? 200 : Number(value)), z.number().int().positive()),
  /** How long the first event of a batch waits for others before the batch is written. Default: 50 ms. */
  ACCOUNTING_BATCH_MS: integer(50),
  /**
   * How often keys and models in KV are compared with Postgres and any difference repaired (a KV
   * write lost after a commit, a bucket purged or edited by hand). 0 turns it off. Default: 60000 ms.
   */
  ACCOUNTING_RESYNC_INTERVAL_MS: integer(60_000),
  /**
   * Disk cap of the usage stream, reserved on the JetStream server (applied to an existing stream at
   * startup; a lower cap drops the oldest events beyond it). It bounds how long accounting or Postgres
   * may be down before events are lost. 0: no cap, nothing reserved. Default: 5 GiB.
   */
  USAGE_STREAM_MAX_BYTES: integer(5 * 1024 ** 3),
  /** Local state (the embedded Postgres lives in `<dir>/postgres`). Default: ./.corral. */
  CORRAL_DATA_DIR: z.preprocess((value) => (value === '' || value === undefined ? './.corral' : value), z.string()),
});
export type AccountingConfig = z.infer<typeof AccountingConfig>;
