import { listKeys, listTeams, overview, requestLog, stackBreakdown, topKeys, topModels, topTeams, usageBreakdown, usageCsv, usageSeries, type PresetRange } from '@corral/analytics';
import type { Db } from '@corral/db';

/** What the queries are asked about: picked from the seeded data once, before timing. */
export interface Subjects {
  now: Date;
  teamId: string;
  keyId: string;
  model: string;
  /** Text typed into the keys list's search box. */
  keySearch: string;
  /** A cursor about 50 pages into the unfiltered request log. */
  deepCursor: string;
}

export interface BenchCase {
  name: string;
  /** The page that sends it. */
  page: string;
  run: (db: Db) => Promise<unknown>;
}

const DAY_MS = 86_400_000;
const RANGES: PresetRange[] = ['24h', '7d', '30d'];

/** Every server-side query of the admin pages, with the arguments those pages pass. */
export function benchCases(subjects: Subjects): BenchCase[] {
  const { now, teamId, keyId, model } = subjects;
  const cases: BenchCase[] = [];
  for (const range of RANGES) {
    cases.push({ name: `overview ${range}, all`, page: 'overview', run: (db) => overview(db, { range, now }) });
    cases.push({ name: `overview ${range}, one team`, page: 'team', run: (db) => overview(db, { range, now, teamId }) });
    cases.push({ name: `overview ${range}, one key`, page: 'key', run: (db) => overview(db, { range, now, keyId }) });
  }
  for (const range of RANGES) {
    cases.push({ name: `top teams ${range}`, page: 'overview', run: (db) => topTeams(db, { range, now }) });
    cases.push({ name: `top keys ${range}`, page: 'overview', run: (db) => topKeys(db, { range, now }) });
    cases.push({ name: `top models ${range}`, page: 'overview', run: (db) => topModels(db, { range, now }) });
  }
  const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
  const twoDaysAgo = new Date(now.getTime() - 2 * DAY_MS);
  for (const groupBy of ['team', 'key', 'model'] as const) {
    cases.push({ name: `breakdown by ${groupBy}, 30 d daily`, page: 'usage', run: (db) => usageBreakdown(db, { from: monthAgo, to: now, groupBy, granularity: 'day' }) });
    cases.push({ name: `breakdown by ${groupBy}, 2 d hourly`, page: 'usage', run: (db) => usageBreakdown(db, { from: twoDaysAgo, to: now, groupBy, granularity: 'hour' }) });
  }
  cases.push({
    name: 'stacked chart, by key 30 d daily',
    page: 'usage',
    run: async (db) => stackBreakdown(await usageBreakdown(db, { from: monthAgo, to: now, groupBy: 'key', granularity: 'day' })),
  });
  cases.push({ name: 'usage series, one key 30 d', page: 'key', run: (db) => usageSeries(db, { keyId, from: monthAgo, to: now }) });
  cases.push({ name: 'usage series, one team 30 d', page: 'team', run: (db) => usageSeries(db, { teamId, from: monthAgo, to: now }) });

  const hourTenDaysAgo = new Date(Math.floor((now.getTime() - 10 * DAY_MS) / 3_600_000) * 3_600_000);
  cases.push({ name: 'request log, first page', page: 'requests', run: (db) => requestLog(db, {}) });
  cases.push({ name: 'request log, by team', page: 'requests', run: (db) => requestLog(db, { teamId }) });
  cases.push({ name: 'request log, by key', page: 'requests', run: (db) => requestLog(db, { keyId }) });
  cases.push({ name: 'request log, by model', page: 'requests', run: (db) => requestLog(db, { model }) });
  cases.push({ name: 'request log, status error', page: 'requests', run: (db) => requestLog(db, { status: 'error' }) });
  cases.push({
    name: 'request log, one hour 10 d ago',
    page: 'requests',
    run: (db) => requestLog(db, { from: hourTenDaysAgo, to: new Date(hourTenDaysAgo.getTime() + 3_600_000) }),
  });
  cases.push({ name: 'request log, ~50 pages in', page: 'requests', run: (db) => requestLog(db, { after: subjects.deepCursor }) });
  cases.push({ name: 'keys list, search', page: 'keys', run: (db) => listKeys(db, { search: subjects.keySearch }) });
  cases.push({ name: 'teams list', page: 'teams', run: (db) => listTeams(db, { now }) });
  return cases;
}

/** The CSV export of 30 days by key and day: ms to the first data line and to the end. */
export async function timeCsvExport(db: Db, now: Date): Promise<{ firstLineMs: number; totalMs: number; lines: number }> {
  const started = performance.now();
  let firstLineMs = Number.NaN;
  let lines = 0;
  for await (const _line of usageCsv(db, { from: new Date(now.getTime() - 30 * DAY_MS), to: now, groupBy: 'key', granularity: 'day' })) {
    lines += 1;
    // Line 1 is the header, written before any query: the first data line is what a person waits for.
    if (lines === 2) firstLineMs = performance.now() - started;
  }
  return { firstLineMs, totalMs: performance.now() - started, lines };
}

export const CSV_CASE = 'CSV export, by key 30 d daily';
