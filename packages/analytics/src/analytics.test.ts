import { createDb, dropDatabase, ensureDatabase, migrate, type DbHandle } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, overview, requestLog, topKeys, topModels, topTeams, usageBreakdown, usageCsv, usageSeries } from './index.ts';
import { seedUsage } from './seed/seed-usage.ts';

const NOW = new Date('2025-06-15T12:34:56.000Z');

describe('analytics queries over a seeded database', () => {
  const databaseUrl = testDatabaseUrl('analytics');
  let handle: DbHandle;
  const raw = async (text: string, values: unknown[] = []) => (await handle.pool.query(text, values)).rows;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await seedUsage(client, { rows: 30_000, days: 10, keys: 20, models: 5, teams: 4, now: NOW });
    } finally {
      await client.end();
    }
    handle = createDb(databaseUrl);
  }, 120_000);
  afterAll(async () => {
    await handle?.close();
    await dropDatabase(databaseUrl);
  });

  /** Totals and nearest-rank percentiles over the raw rows of [from, to), optionally filtered. */
  async function exact(from: Date, to: Date, filter = '', values: unknown[] = []) {
    const [row] = await raw(
      `SELECT count(*)::float8 AS requests, count(*) FILTER (WHERE status = 'error')::float8 AS errors, coalesce(sum(prompt_tokens), 0)::float8 AS prompt,
              coalesce(sum(completion_tokens), 0)::float8 AS completion, coalesce(sum(cost_usd), 0)::float8 AS cost,
              coalesce(sum(coalesce(load_duration_ns, 0) + coalesce(prompt_eval_duration_ns, 0) + coalesce(eval_duration_ns, 0)), 0)::float8 / 1e9 AS gpu,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY ttft_ms) AS ttft50, percentile_disc(0.95) WITHIN GROUP (ORDER BY ttft_ms) AS ttft95,
              percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) AS duration50, percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS duration95
       FROM usage WHERE started_at >= $1 AND started_at < $2 ${filter}`,
      [from, to, ...values],
    );
    return row!;
  }

  const within = (estimate: number | null, truth: number) => {
    expect(estimate).not.toBeNull();
    expect(Math.abs(estimate! - truth) / truth).toBeLessThan(0.05);
  };

  it('overview over 7 days matches the raw rows: totals exactly, percentiles within 5 %', async () => {
    const result = await overview(handle.db, { range: '7d', now: NOW });
    expect(result.range).toEqual({ from: new Date('2025-06-09T00:00:00Z'), to: new Date('2025-06-16T00:00:00Z'), granularity: 'day' });
    expect(result.series).toHaveLength(7);
    const truth = await exact(result.range.from, result.range.to);
    expect(truth.requests).toBeGreaterThan(10_000);
    expect(result.totals.requests).toBe(truth.requests);
    expect(result.totals.errors).toBe(truth.errors);
    expect(result.totals.promptTokens).toBe(truth.prompt);
    expect(result.totals.completionTokens).toBe(truth.completion);
    expect(result.totals.costUsd).toBeCloseTo(truth.cost, 6);
    expect(result.totals.gpuSeconds).toBeCloseTo(truth.gpu, 3);
    within(result.ttftMs.p50, truth.ttft50);
    within(result.ttftMs.p95, truth.ttft95);
    within(result.durationMs.p50, truth.duration50);
    within(result.durationMs.p95, truth.duration95);
  });

  it('overview over 24 h, for one team and for one key, is hourly and matches the raw rows', async () => {
    const [busy] = await raw(`SELECT key_id, team_id FROM usage WHERE team_id IS NOT NULL GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1`);
    for (const filter of [{ teamId: busy!.team_id as string }, { keyId: busy!.key_id as string }]) {
      const result = await overview(handle.db, { range: '24h', now: NOW, ...filter });
      expect(result.range.granularity).toBe('hour');
      expect(result.series).toHaveLength(24);
      const [column, value] = 'teamId' in filter ? ['team_id', filter.teamId] : ['key_id', filter.keyId];
      const truth = await exact(result.range.from, result.range.to, `AND ${column} = $3`, [value]);
      expect(truth.requests).toBeGreaterThan(50);
      expect(result.totals.requests).toBe(truth.requests);
      expect(result.totals.completionTokens).toBe(truth.completion);
      within(result.durationMs.p95, truth.duration95);
      // Hour by hour too.
      const hours = await raw(`SELECT date_trunc('hour', started_at, 'UTC') AS hour, count(*)::float8 AS requests FROM usage WHERE started_at >= $1 AND started_at < $2 AND ${column} = $3 GROUP BY 1`, [
        result.range.from,
        result.range.to,
        value,
      ]);
      const perHour = new Map(hours.map((row) => [new Date(row.hour).getTime(), row.requests]));
      expect(result.series.map((point) => point.requests)).toEqual(result.series.map((point) => perHour.get(point.period.getTime()) ?? 0));
    }
  });

  it('stores every rollup histogram packed in bucket order, one element per bucket', async () => {
    for (const table of ['usage_hourly', 'usage_daily', 'usage_team_hourly', 'usage_team_daily']) {
      const [row] = await raw(`SELECT count(*)::int AS rows, count(*) FILTER (WHERE ${['ttft_histogram', 'duration_histogram']
        .map((column) => `${column} IS DISTINCT FROM (SELECT coalesce(array_agg(element ORDER BY element), '{}') FROM unnest(${column}) element) OR cardinality(${column}) <> (SELECT count(DISTINCT element / 4294967296) FROM unnest(${column}) element)`)
        .join(' OR ')})::int AS unsorted FROM ${table}`);
      expect(row!.rows).toBeGreaterThan(0);
      expect(row!.unsorted).toBe(0);
    }
  });

  it('tops rank teams, keys and models by requests, with names', async () => {
    const teams = await topTeams(handle.db, { range: '30d', now: NOW, limit: 3 });
    const keys = await topKeys(handle.db, { range: '30d', now: NOW, limit: 5 });
    const models = await topModels(handle.db, { range: '30d', now: NOW });
    const rawKeys = await raw(`SELECT key_id, count(*)::float8 AS requests FROM usage GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 5`);
    expect(keys.map((key) => [key.keyId, key.requests])).toEqual(rawKeys.map((row) => [row.key_id, row.requests]));
    expect(keys[0]!.keyName).toMatch(/^seed-key-/);
    const rawTeams = await raw(`SELECT team_id, count(*)::float8 AS requests FROM usage GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3`);
    expect(teams.map((team) => [team.teamId, team.requests])).toEqual(rawTeams.map((row) => [row.team_id, row.requests]));
    expect(teams.filter((team) => team.teamId !== null).every((team) => team.teamName?.startsWith('seed-team-'))).toBe(true);
    expect(models).toHaveLength(5);
    expect(models.reduce((sum, model) => sum + model.requests, 0)).toBe((await exact(new Date(0), new Date('2025-06-16T00:00:00Z'))).requests);
  });

  it('usage breakdown per model and day sums to the raw rows, and streams as CSV', async () => {
    const from = new Date('2025-06-10T00:00:00Z');
    const to = new Date('2025-06-13T00:00:00Z');
    const rows = await usageBreakdown(handle.db, { from, to, groupBy: 'model', granularity: 'day' });
    const rawRows = await raw(`SELECT alias, date_trunc('day', started_at, 'UTC') AS day, count(*)::float8 AS requests FROM usage WHERE started_at >= $1 AND started_at < $2 GROUP BY 1, 2 ORDER BY 2, 1`, [
      from,
      to,
    ]);
    expect(rows.map((row) => [row.groupName, row.period.toISOString(), row.requests])).toEqual(rawRows.map((row) => [row.alias, new Date(row.day).toISOString(), row.requests]));
    const byKey = await usageBreakdown(handle.db, { from, to, groupBy: 'key', granularity: 'hour' });
    expect(byKey.reduce((sum, row) => sum + row.requests, 0)).toBe(rawRows.reduce((sum, row) => sum + row.requests, 0));
    expect(byKey.every((row) => /^seed-key-\d+ \(sk-/.test(row.groupName))).toBe(true);

    const lines: string[] = [];
    for await (const line of usageCsv(handle.db, { from, to, groupBy: 'model', granularity: 'day' })) lines.push(line);
    expect(lines[0]).toBe('period,group_id,group,requests,errors,prompt_tokens,completion_tokens,cost_usd,gpu_seconds\r\n');
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines[1]!.startsWith(`${rows[0]!.period.toISOString()},${rows[0]!.groupId},`)).toBe(true);
  });

  it('usageSeries sums one key per day', async () => {
    const [key] = await raw(`SELECT key_id FROM usage GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`);
    const from = new Date('2025-06-08T00:00:00Z');
    const points = await usageSeries(handle.db, { keyId: key!.key_id, from, to: NOW });
    expect(points).toHaveLength(8);
    const truth = await exact(from, new Date('2025-06-16T00:00:00Z'), 'AND key_id = $3', [key!.key_id]);
    expect(points.reduce((sum, point) => sum + point.requests, 0)).toBe(truth.requests);
  });

  it('request log pages by keyset through every row of a filter, forwards and back', async () => {
    const [key] = await raw(`SELECT key_id FROM usage GROUP BY 1 ORDER BY count(*) ASC LIMIT 1`);
    const expected = (await raw(`SELECT id::text AS id FROM usage WHERE key_id = $1 AND status = 'ok' ORDER BY started_at DESC, id DESC`, [key!.key_id])).map((row) => row.id);
    expect(expected.length).toBeGreaterThan(100);
    const pages: string[][] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await requestLog(handle.db, { keyId: key!.key_id, status: 'ok', limit: 40, after: cursor });
      pages.push(page.rows.map((row) => row.id));
      expect(page.rows.every((row) => row.keyId === key!.key_id && row.status === 'ok' && row.keyName?.startsWith('seed-key-'))).toBe(true);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(pages.flat()).toEqual(expected);
    // Back from the third page lands on the second.
    const first = await requestLog(handle.db, { keyId: key!.key_id, status: 'ok', limit: 40 });
    expect(first.previousCursor).toBeNull();
    const second = await requestLog(handle.db, { keyId: key!.key_id, status: 'ok', limit: 40, after: first.nextCursor! });
    const third = await requestLog(handle.db, { keyId: key!.key_id, status: 'ok', limit: 40, after: second.nextCursor! });
    const back = await requestLog(handle.db, { keyId: key!.key_id, status: 'ok', limit: 40, before: third.previousCursor! });
    expect(back.rows.map((row) => row.id)).toEqual(second.rows.map((row) => row.id));
    const backToFirst = await requestLog(handle.db, { keyId: key!.key_id, status: 'ok', limit: 40, before: back.previousCursor! });
    expect(backToFirst.rows.map((row) => row.id)).toEqual(first.rows.map((row) => row.id));
    expect(backToFirst.previousCursor).toBeNull();
  });

  it('request log refuses a forged cursor with a validation error, not a database error', async () => {
    await expect(requestLog(handle.db, { after: Buffer.from('["x; DROP TABLE usage","1"]').toString('base64url') })).rejects.toThrow(/not a request-log cursor/);
    await expect(requestLog(handle.db, { limit: 10_000 })).rejects.toThrow();
  });
});

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['line\nbreak', '"line\nbreak"'],
  ])('%j → %s', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
  it('leaves numbers and nulls alone', () => {
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(null)).toBe('');
  });
});
