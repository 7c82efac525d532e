import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databaseName } from './connection-url.ts';
import { dropDatabase } from './ensure-database.ts';
import { resolveDatabase } from './resolve-database.ts';
import { testDatabaseUrl } from './testing/index.ts';

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
  } finally {
    await client.end();
  }
}

describe('resolveDatabase', () => {
  it('uses DATABASE_URL as it is', async () => {
    const resolved = await resolveDatabase({ DATABASE_URL: 'postgres://someone@db.example:5432/x' }, { dataDir: '/nonexistent' });
    expect(resolved).toEqual({ url: 'postgres://someone@db.example:5432/x', source: 'env' });
  });

  it('uses a local server and creates the database on it', async () => {
    const wanted = databaseName(testDatabaseUrl('resolve'));
    const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const resolved = await resolveDatabase({}, { dataDir: '/nonexistent', database: wanted, localServer: server });
    try {
      expect(resolved.source).toBe('local');
      expect(databaseName(resolved.url)).toBe(wanted);
      expect(await selectOne(resolved.url)).toBe(1);
    } finally {
      await dropDatabase(resolved.url);
    }
  });

  it('starts an embedded Postgres when nothing listens locally, and keeps its data across restarts', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'corral-embedded-'));
    const options = { dataDir, localServer: 'postgres://postgres@127.0.0.1:1', embeddedPort: 0 };
    try {
      const started = Date.now();
      const first = await resolveDatabase({}, options);
      console.log(`embedded Postgres initialised and started in ${Date.now() - started} ms`);
      expect(first.source).toBe('embedded');
      expect(databaseName(first.url)).toBe('corral');
      const client = new pg.Client({ connectionString: first.url });
      await client.connect();
      await client.query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
      await client.end();
      await first.stop?.();

      const second = await resolveDatabase({}, options);
      const again = new pg.Client({ connectionString: second.url });
      await again.connect();
      expect((await again.query('SELECT n FROM kept')).rows).toEqual([{ n: 7 }]);
      await again.end();
      await second.stop?.();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
