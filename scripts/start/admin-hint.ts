import { importOwningSignals } from './signal-ownership.ts';

export const NO_ADMIN_HINT = 'No admin user yet: create the first with `pnpm corral admin create --email you@example.com`';

/** How long to wait for accounting to have migrated the database (the table exists from then on). */
const WAIT_FOR_SCHEMA_MS = 120_000;
const RETRY_MS = 500;

/**
 * Counts the admin users, waiting for the table while accounting is still migrating a fresh
 * database. Undefined when it never answered in time or the launcher began stopping.
 */
export async function countAdminUsers(databaseUrl: string, stillRunning: () => boolean, timeoutMs = WAIT_FOR_SCHEMA_MS): Promise<number | undefined> {
  const { createDb, adminUsers } = await importOwningSignals(() => import('@corral/db'));
  const handle = createDb(databaseUrl, { maxConnections: 1, onIdleError: () => {} });
  const deadline = Date.now() + timeoutMs;
  try {
    while (stillRunning() && Date.now() < deadline) {
      try {
        return await handle.db.$count(adminUsers);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

/** Prints the first-admin hint once the database says there is no admin user; never fails the launcher. */
export async function hintWhenNoAdmin(databaseUrl: string, say: (message: string) => void, stillRunning: () => boolean): Promise<void> {
  const count = await countAdminUsers(databaseUrl, stillRunning).catch(() => undefined);
  if (count === 0 && stillRunning()) say(NO_ADMIN_HINT);
}
