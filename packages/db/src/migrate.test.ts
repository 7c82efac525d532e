import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase } from './ensure-database.ts';
import { migrate } from './migrate.ts';
import { testDatabaseUrl } from './testing/index.ts';

const url = testDatabaseUrl('migrate');

async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

describe('migrations on a real Postgres', () => {
  beforeAll(async () => {
    expect(await ensureDatabase(url)).toEqual({ created: true });
    expect(await ensureDatabase(url)).toEqual({ created: false });
  });
  afterAll(async () => dropDatabase(url));

  it('creates every table in an empty database', async () => {
    await migrate(url);
    const tables = await query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual(['admin_sessions', 'admin_users', 'api_keys', 'models', 'responses', 'team_spend', 'teams', 'usage', 'usage_daily', 'usage_hourly', 'usage_team_daily', 'usage_team_hourly']);
  });

  it('gives stored responses a nullable input_items column, so rows stored before it stay valid', async () => {
    const columns = await query<{ data_type: string; is_nullable: string }>(
      "SELECT data_type, is_nullable FROM information_schema.columns WHERE table_name = 'responses' AND column_name = 'input_items'",
    );
    expect(columns).toEqual([{ data_type: 'jsonb', is_nullable: 'YES' }]);
  });

  it('does nothing when run again, even by several processes at once', async () => {
    const before = await query<{ count: string }>('SELECT count(*) FROM drizzle.__drizzle_migrations');
    await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const after = await query<{ count: string }>('SELECT count(*) FROM drizzle.__drizzle_migrations');
    expect(after).toEqual(before);
    expect(Number(before[0]?.count)).toBeGreaterThan(0);
  });

  it('treats requests without a key as one rollup row (NULLS NOT DISTINCT)', async () => {
    await query(`INSERT INTO usage_hourly (key_id, model, bucket_start, requests) VALUES (NULL, 'm', '2025-01-01T00:00:00Z', 1)`);
    await query(
      `INSERT INTO usage_hourly (key_id, model, bucket_start, requests) VALUES (NULL, 'm', '2025-01-01T00:00:00Z', 1)
       ON CONFLICT (key_id, model, bucket_start) DO UPDATE SET requests = usage_hourly.requests + excluded.requests`,
    );
    expect(await query('SELECT requests FROM usage_hourly')).toEqual([{ requests: '2' }]);
  });
});
