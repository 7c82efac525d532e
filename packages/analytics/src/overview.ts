import type { Db } from '@corral/db';
import { sql, type SQL } from 'drizzle-orm';
import { latencySummaries, type LatencySummary } from './latency.ts';
import { addTotals, emptyTotals, rollupTable, toTotals, totalsSelection, whereAll, type UsageTotals } from './metrics.ts';
import { bucketStarts, resolveRange, type ResolvedRange, type TimeRange } from './range.ts';

export interface UsageFilter {
  teamId?: string;
  keyId?: string;
}

export interface SeriesPoint extends UsageTotals {
  period: Date;
}

export interface Overview {
  range: ResolvedRange;
  totals: UsageTotals;
  ttftMs: LatencySummary;
  durationMs: LatencySummary;
  /** One point per bucket of the range (hourly for 24 h, daily otherwise), zero-filled. */
  series: SeriesPoint[];
}

/**
 * Where a filter reads from: one key's rows of the key × model rollup, or the team rollup (a few
 * rows per period) for one team or everyone.
 */
export function rollupSource(range: ResolvedRange, filter: UsageFilter): { table: SQL; where: SQL } {
  const conditions = [sql`bucket_start >= ${range.from.toISOString()}::timestamptz`, sql`bucket_start < ${range.to.toISOString()}::timestamptz`];
  if (filter.teamId) conditions.push(sql`team_id = ${filter.teamId}::uuid`);
  if (filter.keyId) {
    conditions.push(sql`key_id = ${filter.keyId}::uuid`);
    return { table: rollupTable(range.granularity, 'key'), where: whereAll(conditions) };
  }
  return { table: rollupTable(range.granularity, 'team'), where: whereAll(conditions) };
}

/** Totals per bucket of an already resolved range, zero-filled. */
export async function seriesOf(db: Db, range: ResolvedRange, filter: UsageFilter): Promise<SeriesPoint[]> {
  const { table, where } = rollupSource(range, filter);
  const result = await db.execute(sql`SELECT bucket_start, ${totalsSelection} FROM ${table} WHERE ${where} GROUP BY bucket_start`);
  const byStart = new Map(result.rows.map((row) => [new Date(row.bucket_start as string).getTime(), toTotals(row)]));
  return bucketStarts(range).map((period) => ({ period, ...(byStart.get(period.getTime()) ?? emptyTotals()) }));
}

/** The overview page's figures over a range, from the rollups only (never the raw rows). */
export async function overview(db: Db, options: UsageFilter & { range: TimeRange; now?: Date }): Promise<Overview> {
  const range = resolveRange(options.range, options.now);
  const { table, where } = rollupSource(range, options);
  const [series, latency] = await Promise.all([seriesOf(db, range, options), latencySummaries(db, table, where)]);
  const totals = emptyTotals();
  for (const point of series) addTotals(totals, point);
  return { range, totals, ttftMs: latency.ttftMs, durationMs: latency.durationMs, series };
}
