import { adminUsers, createDb, dropDatabase, ensureDatabase, migrate } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_ADMIN_HINT, countAdminUsers, hintWhenNoAdmin } from '../../scripts/start/admin-hint.ts';

describe('the launcher hint for the first admin user', () => {
  const databaseUrl = testDatabaseUrl('adminhint');
  beforeAll(async () => ensureDatabase(databaseUrl));
  afterAll(async () => dropDatabase(databaseUrl));

  it('waits for the schema, hints while there is no admin user, and stays quiet once there is one', async () => {
    // Before accounting has migrated, there is no table to count: no answer within the wait.
    expect(await countAdminUsers(databaseUrl, () => true, 1200)).toBeUndefined();

    await migrate(databaseUrl);
    const said: string[] = [];
    await hintWhenNoAdmin(databaseUrl, (message) => said.push(message), () => true);
    expect(said).toEqual([NO_ADMIN_HINT]);
    expect(NO_ADMIN_HINT).toContain('pnpm corral admin create --email you@example.com');

    const handle = createDb(databaseUrl);
    await handle.db.insert(adminUsers).values({ email: 'first@example.com', role: 'admin', passwordHash: 'not a real hash' });
    await handle.close();
    said.length = 0;
    await hintWhenNoAdmin(databaseUrl, (message) => said.push(message), () => true);
    expect(said).toEqual([]);
  });

  it('gives up at once when the launcher is stopping', async () => {
    expect(await countAdminUsers(databaseUrl, () => false)).toBeUndefined();
  });
});
