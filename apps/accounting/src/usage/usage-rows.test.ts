import { createDb, dropDatabase, ensureDatabase, migrate, type DbHandle } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUsageRows, type UsageRow } from './usage-rows.ts';

const KEY = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const TEAM = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function row(requestId: string, overrides: Partial<UsageRow> = {}): UsageRow {
  return {
    requestId,
    keyId: KEY,
    teamId: TEAM,
    alias: 'llama3.2',
    model: 'llama3.2:3b',
    endpoint: '/v1/chat/completions',
    stream: true,
    status: 'ok',
    httpStatus: 200,
    errorCode: null,
    promptTokens: 12,
    completionTokens: 34,
    ttftMs: 12.5,
    durationMs: 250.25,
    loadDurationNs: 1_000_000,
    promptEvalDurationNs: 2_000_000,
    evalDurationNs: 3_000_000,
    workerId: 'w1',
    startedAt: '2026-12-01T10:00:00.123Z',
    finishedAt: '2026-12-01T10:00:00.373Z',
    costUsd: '0.0000123456',
    ...overrides,
  };
}

describe('insertUsageRows (column arrays through unnest)', () => {
  const databaseUrl = testDatabaseUrl('usage_rows');
  let handle: DbHandle;
  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    handle = createDb(databaseUrl);
  });
  afterAll(async () => {
    await handle?.close();
    await dropDatabase(databaseUrl);
  });

  it('stores every field exactly, whatever the text holds, nulls included', async () => {
    const awkward = 'quote " backslash \\ comma , braces {} NULL spaces  é 漢字 😀';
    const rows = [
      row('r-awkward', { alias: awkward, model: 'NULL', workerId: '', errorCode: '"{,}"' }),
      row('r-nulls', { keyId: null, teamId: null, errorCode: null, ttftMs: null, loadDurationNs: null, promptEvalDurationNs: null, evalDurationNs: null, workerId: null, stream: false, status: 'error', httpStatus: 503 }),
      row('r-large', { promptTokens: 2_147_483_647, loadDurationNs: 9_007_199_254_740_991, durationMs: 1e-7, costUsd: '1234567890.0123456789' }),
    ];
    const inserted = await insertUsageRows(handle.db, rows);
    expect([...inserted].sort()).toEqual(['r-awkward', 'r-large', 'r-nulls']);

    const { rows: stored } = await handle.pool.query(
      `SELECT request_id, key_id, team_id, alias, model, endpoint, stream, status, http_status, error_code, prompt_tokens, completion_tokens, ttft_ms, duration_ms,
              load_duration_ns::text AS load, prompt_eval_duration_ns::text AS prompt_eval, eval_duration_ns::text AS eval, worker_id, started_at, finished_at, cost_usd::text AS cost
         FROM usage ORDER BY request_id`,
    );
    const byId = new Map(stored.map((item) => [item.request_id as string, item]));
    const awkwardRow = byId.get('r-awkward')!;
    expect(awkwardRow).toMatchObject({ alias: awkward, model: 'NULL', worker_id: '', error_code: '"{,}"', key_id: KEY, team_id: TEAM, stream: true, http_status: 200, ttft_ms: 12.5, duration_ms: 250.25, load: '1000000', cost: '0.0000123456' });
    expect((awkwardRow.started_at as Date).toISOString()).toBe('2026-12-01T10:00:00.123Z');
    expect((awkwardRow.finished_at as Date).toISOString()).toBe('2026-12-01T10:00:00.373Z');
    expect(byId.get('r-nulls')).toMatchObject({ key_id: null, team_id: null, error_code: null, ttft_ms: null, load: null, prompt_eval: null, eval: null, worker_id: null, stream: false, status: 'error', http_status: 503 });
    expect(byId.get('r-large')).toMatchObject({ prompt_tokens: 2_147_483_647, load: '9007199254740991', duration_ms: 1e-7, cost: '1234567890.0123456789' });
  });

  it('skips request ids already stored and returns only the rows it inserted', async () => {
    const inserted = await insertUsageRows(handle.db, [row('r-awkward', { alias: 'changed' }), row('r-new')]);
    expect([...inserted]).toEqual(['r-new']);
    const { rows } = await handle.pool.query<{ alias: string }>(`SELECT alias FROM usage WHERE request_id = 'r-awkward'`);
    expect(rows[0]!.alias).not.toBe('changed');
    expect(await insertUsageRows(handle.db, [])).toEqual(new Set());
  });
});
