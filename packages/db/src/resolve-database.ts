import { join, resolve } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded.ts';
import { ensureDatabase } from './ensure-database.ts';

export const DatabaseSource = { Env: 'env', Local: 'local', Embedded: 'embedded' } as const;
export type DatabaseSource = (typeof DatabaseSource)[keyof typeof DatabaseSource];

export interface ResolvedDatabase {
  url: string;
  source: DatabaseSource;
  /** Present for an embedded Postgres: stops it. */
  stop?(): Promise<void>;
}

export interface ResolveDatabaseOptions {
  /** Corral's data directory; an embedded Postgres keeps its files in `<dataDir>/postgres`. */
  dataDir: string;
  /** Database used on a local or embedded server. Default: corral. */
  database?: string;
  /** The local server tried before starting an embedded one. Default: postgres://postgres@127.0.0.1:5432. */
  localServer?: string;
  /** Preferred port of an embedded server. Default: 5433. */
  embeddedPort?: number;
  onLog?: (message: string) => void;
}

/**
 * Finds a Postgres: DATABASE_URL when set; else a server already listening on the default local
 * port; else an embedded Postgres started from the npm package's binaries.
 */
export async function resolveDatabase(env: Record<string, string | undefined>, options: ResolveDatabaseOptions): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, source: DatabaseSource.Env };
  const database = options.database ?? 'corral';

  const local = new URL(options.localServer ?? 'postgres://postgres@127.0.0.1:5432');
  local.pathname = '/postgres';
  if (await accepts(local.toString())) {
    local.pathname = `/${encodeURIComponent(database)}`;
    await ensureDatabase(local.toString());
    return { url: local.toString(), source: DatabaseSource.Local };
  }

  const embedded = await startEmbeddedPostgres({
    dataDir: join(resolve(options.dataDir), 'postgres'),
    port: options.embeddedPort ?? 5433,
    ...(options.onLog ? { onLog: options.onLog } : {}),
  });
  const url = embedded.url(database);
  await ensureDatabase(url);
  return { url, source: DatabaseSource.Embedded, stop: () => embedded.stop() };
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
