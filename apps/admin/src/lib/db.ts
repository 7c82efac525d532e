import 'server-only';
import { createDb, type Db, type DbHandle } from '@corral/db';
import { adminConfig } from './config.ts';
import { logger } from './logger.ts';

const holder = globalThis as typeof globalThis & { corralAdminDb?: DbHandle };

/**
 * The one pooled Postgres handle of this process (read-only use: every change goes through
 * accounting). Kept on globalThis so hot reload in `next dev` does not open a pool per edit.
 */
export function db(): Db {
  holder.corralAdminDb ??= createDb(adminConfig().DATABASE_URL, {
    maxConnections: 5,
    onIdleError: (error) => logger().warn({ err: error }, 'an idle Postgres connection broke; the pool replaces it'),
  });
  return holder.corralAdminDb.db;
}
