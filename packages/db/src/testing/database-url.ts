import { randomBytes } from 'node:crypto';
import { withDatabase } from '../connection-url.ts';

/** A fresh database name on the test server (DATABASE_URL's server, else the local default). */
export function testDatabaseUrl(label: string): string {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  return withDatabase(server, `test_${label}_${process.pid}_${randomBytes(3).toString('hex')}`);
}
