import { createDb, databaseName, withDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { describe, expect, it } from 'vitest';
import { parseAdminOptions } from '../../bench/src/admin/options.ts';
import { renderAdminReport } from '../../bench/src/admin/report.ts';
import { overLimit, runAdminBench } from '../../bench/src/admin/run.ts';

describe('pnpm bench:admin harness', () => {
  it('parses its options with the documented defaults and refuses nonsense', () => {
    expect(parseAdminOptions([], {})).toMatchObject({ rows: 10_000_000, runs: 20, reuse: false, keep: false, limitMs: 200 });
    expect(parseAdminOptions(['--', '--rows', '20_000', '--runs', '3', '--reuse', '--keep'], {})).toMatchObject({ rows: 20_000, runs: 3, reuse: true, keep: true });
    expect(() => parseAdminOptions(['--rows', '-5'], {})).toThrow(/--rows/);
  });

  it('runs every query on a small seed, reports numbers and plans, and drops its database', { timeout: 120_000 }, async () => {
    const databaseUrl = testDatabaseUrl('admin_bench');
    const report = await runAdminBench({ rows: 20_000, runs: 2, reuse: false, keep: false, limitMs: 200, databaseUrl });

    expect(report.seedMs).toBeGreaterThan(0);
    expect(report.cases.length).toBeGreaterThanOrEqual(35);
    const names = report.cases.map((result) => result.name);
    expect(new Set(names).size).toBe(names.length);
    for (const expected of ['overview 30d, one key', 'top keys 7d', 'breakdown by model, 2 d hourly', 'request log, ~50 pages in', 'keys list, search', 'teams list']) {
      expect(names).toContain(expected);
    }
    for (const result of report.cases) {
      expect(Number.isFinite(result.p50) && Number.isFinite(result.p95) && Number.isFinite(result.max), result.name).toBe(true);
      expect(result.p50).toBeLessThanOrEqual(result.max);
      expect(result.statements, result.name).toBeGreaterThan(0);
      expect(Number.isFinite(result.executionMs)).toBe(true);
      expect(result.topNode).not.toBe('none');
    }
    // The request log never reads the raw table from end to end.
    expect(report.cases.filter((result) => result.page === 'requests').every((result) => !result.seqScanOnUsage)).toBe(true);
    expect(report.csv.lines).toBeGreaterThan(1);
    expect(Number.isFinite(report.csv.firstLine.p95) && Number.isFinite(report.csv.total.p95)).toBe(true);
    expect(overLimit(report, Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(overLimit(report, Number.MIN_VALUE)).toHaveLength(report.cases.length + 1);
    expect(renderAdminReport(report, 200)).toContain('| request log, ~50 pages in | requests |');

    const server = createDb(withDatabase(databaseUrl, 'postgres'), { maxConnections: 1 });
    try {
      const left = await server.pool.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName(databaseUrl)]);
      expect(left.rowCount).toBe(0);
    } finally {
      await server.close();
    }
  });
});
