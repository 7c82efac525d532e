import type { Environment } from './environment.ts';
import { LauncherError } from './errors.ts';
import { importOwningSignals } from './signal-ownership.ts';

export interface ResolvedPostgres {
  url: string;
  /** Where the URL came from, for the startup banner. */
  source: string;
  /** Present when the launcher owns the database and must stop it on exit. */
  stop?: () => Promise<void>;
}

const SOURCE_LABEL: Record<string, string> = {
  env: 'DATABASE_URL',
  local: 'Postgres already running on 127.0.0.1:5432 (database corral)',
  embedded: 'embedded Postgres (data under ./.corral/postgres)',
};

/**
 * DATABASE_URL when set; else the Postgres on 127.0.0.1:5432 (the `corral` database is created when
 * missing); else an embedded Postgres from the npm package's binaries, owned by the launcher.
 */
export async function resolvePostgres(env: Environment, dataDir = '.corral'): Promise<ResolvedPostgres> {
  // Loaded here, not imported at the top, so that the signal handlers it registers can be taken back.
  const { resolveDatabase } = await importOwningSignals(() => import('@corral/db'));
  try {
    const resolved = await resolveDatabase(env, { dataDir });
    return { url: resolved.url, source: SOURCE_LABEL[resolved.source] ?? resolved.source, ...(resolved.stop ? { stop: resolved.stop } : {}) };
  } catch (error) {
    throw new LauncherError(
      `Postgres is required and none could be used (${(error as Error).message}).\n` +
        'DATABASE_URL is not set, nothing answers on 127.0.0.1:5432 and the embedded Postgres did not start.\n' +
        'Start a local Postgres (Debian/Ubuntu: sudo apt-get install postgresql), or run\n' +
        '`POSTGRES_PASSWORD=<choose one> docker compose up -d postgres` and set DATABASE_URL=postgres://postgres:<it>@127.0.0.1:5432/corral,\n' +
        'or set DATABASE_URL to an existing database.',
    );
  }
}
