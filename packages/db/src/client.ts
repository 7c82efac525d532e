import type { Logger } from 'drizzle-orm/logger';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = NodePgDatabase<Schema>;

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface CreateDbOptions {
  /** Pool size. Default: 10. */
  maxConnections?: number;
  /** Told about connections that broke while idle (Postgres restarted); the pool replaces them. */
  onIdleError?: (error: Error) => void;
  /** Told every statement and its parameters (the admin benchmark EXPLAINs what the queries send). */
  logger?: Logger;
}

export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, connectionTimeoutMillis: 5000 });
  // Without a listener an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = drizzle(pool, { schema, ...(options.logger ? { logger: options.logger } : {}) });
  return { db, pool, close: () => pool.end() };
}
