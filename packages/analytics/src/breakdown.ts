import type { Db } from '@corral/db';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { rollupTable, toTotals, totalsSelection, whereAll, type UsageTotals } from './metrics.ts';
import { DAY_MS, Granularity, resolveWithGranularity, type ResolvedRange } from './range.ts';

export const BreakdownGroup = { Team: 'team', Key: 'key', Model: 'model' } as const;
export type BreakdownGroup = (typeof BreakdownGroup)[keyof typeof BreakdownGroup];

/** Hourly buckets are offered for ranges up to this long (a table of 200 keys × 336 hours is already long). */
export const HOURLY_BREAKDOWN_MAX_MS = 14 * DAY_MS;
export const BREAKDOWN_MAX_MS = 400 * DAY_MS;

export const UsageBreakdownQuery = z
  .object({
    from: z.coerce.date(),
    to: z.coerce.date(),
    groupBy: z.enum([BreakdownGroup.Team, BreakdownGroup.Key, BreakdownGroup.Model]).default(BreakdownGroup.Model),
    granularity: z.enum([Granularity.Day, Granularity.Hour]).default(Granularity.Day),
  })
  .refine((query) => query.from.getTime() < query.to.getTime(), { message: '`from` must be before `to`', path: ['from'] })
  .refine((query) => query.to.getTime() - query.from.getTime() <= (query.granularity === Granularity.Hour ? HOURLY_BREAKDOWN_MAX_MS : BREAKDOWN_MAX_MS), {
    message: 'the range is too long for that granularity (hourly: 14 days at most; daily: 400 days)',
    path: ['to'],
  });
export type UsageBreakdownQuery = z.infer<typeof UsageBreakdownQuery>;

export interface BreakdownRow extends UsageTotals {
  period: Date;
  /** Team id, key id or model name; null for "no team" / "no key". */
  groupId: string | null;
  /** What a person reads: team name, key name (prefix), model name. */
  groupName: string;
}

interface Plan {
  table: SQL;
  groupColumn: SQL;
  nameJoin: SQL;
  nameColumn: SQL;
}

function planOf(granularity: Granularity, groupBy: BreakdownGroup): Plan {
  if (groupBy === BreakdownGroup.Team) {
    return { table: rollupTable(granularity, 'team'), groupColumn: sql`r.team_id`, nameJoin: sql`LEFT JOIN teams n ON n.id = g.group_id`, nameColumn: sql`coalesce(n.name, 'no team')` };
  }
  if (groupBy === BreakdownGroup.Key) {
    return {
      table: rollupTable(granularity, 'key'),
      groupColumn: sql`r.key_id`,
      nameJoin: sql`LEFT JOIN api_keys n ON n.id = g.group_id`,
      nameColumn: sql`CASE WHEN g.group_id IS NULL THEN 'no key' ELSE coalesce(n.name || ' (' || n.prefix || ')', g.group_id::text) END`,
    };
  }
  return { table: rollupTable(granularity, 'key'), groupColumn: sql`r.model`, nameJoin: sql``, nameColumn: sql`g.group_id` };
}

/**
 * One statement: totals per group × bucket in [from, to), ordered by bucket then group. Grouped and
 * joined on the raw id, made text only for the result rows (casting ~100,000 rollup rows' uuids
 * first cost a third of a month's breakdown); a uuid sorts as its text does.
 */
function breakdownStatement(range: ResolvedRange, groupBy: BreakdownGroup): SQL {
  const plan = planOf(range.granularity, groupBy);
  const where = whereAll([sql`r.bucket_start >= ${range.from.toISOString()}::timestamptz`, sql`r.bucket_start < ${range.to.toISOString()}::timestamptz`]);
  return sql`
    SELECT g.bucket_start, g.group_id::text AS group_id, g.requests, g.errors, g.prompt_tokens, g.completion_tokens, g.cost_usd, g.gpu_seconds,
           ${plan.nameColumn} AS group_name FROM (
      SELECT r.bucket_start, ${plan.groupColumn} AS group_id, ${totalsSelection} FROM ${plan.table} r WHERE ${where} GROUP BY 1, 2
    ) g ${plan.nameJoin} ORDER BY g.bucket_start, g.group_id NULLS FIRST`;
}

function toBreakdownRow(row: Record<string, unknown>): BreakdownRow {
  return { period: new Date(row.bucket_start as string), groupId: (row.group_id as string | null) ?? null, groupName: String(row.group_name), ...toTotals(row) };
}

/** Usage per team, key or model and per day or hour, for the usage table and its stacked chart. */
export async function usageBreakdown(db: Db, query: UsageBreakdownQuery): Promise<BreakdownRow[]> {
  const range = resolveWithGranularity(query, query.granularity);
  const result = await db.execute(breakdownStatement(range, query.groupBy));
  return result.rows.map(toBreakdownRow);
}

/** The breakdown in windows of buckets (for streaming: memory stays bounded whatever the range). */
export async function* usageBreakdownChunks(db: Db, query: UsageBreakdownQuery, bucketsPerChunk = 7): AsyncGenerator<BreakdownRow[]> {
  const range = resolveWithGranularity(query, query.granularity);
  const step = (range.granularity === Granularity.Hour ? DAY_MS / 24 : DAY_MS) * bucketsPerChunk;
  for (let start = range.from.getTime(); start < range.to.getTime(); start += step) {
    const window: ResolvedRange = { from: new Date(start), to: new Date(Math.min(start + step, range.to.getTime())), granularity: range.granularity };
    const result = await db.execute(breakdownStatement(window, query.groupBy));
    yield result.rows.map(toBreakdownRow);
  }
}

export interface StackedSeries {
  /** Group names in stacking order (largest first; the rest folded into "other"). */
  groups: string[];
  /** One point per bucket: period plus requests per group name. */
  points: Array<{ period: Date } & Record<string, number | Date>>;
}

/** The breakdown as a stacked chart's data: the `top` largest groups by requests, the rest as "other". */
export function stackBreakdown(rows: BreakdownRow[], top = 8, metric: 'requests' | 'costUsd' | 'promptTokens' | 'completionTokens' = 'requests'): StackedSeries {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.groupName, (totals.get(row.groupName) ?? 0) + row[metric]);
  const ranked = [...totals.entries()].sort((left, right) => right[1] - left[1]).map(([name]) => name);
  const kept = new Set(ranked.slice(0, top));
  const groups = ranked.length > top ? [...ranked.slice(0, top), 'other'] : ranked;
  const points = new Map<number, { period: Date } & Record<string, number | Date>>();
  for (const row of rows) {
    const time = row.period.getTime();
    let point = points.get(time);
    if (!point) {
      point = { period: row.period } as { period: Date } & Record<string, number | Date>;
      for (const group of groups) point[group] = 0;
      points.set(time, point);
    }
    const group = kept.has(row.groupName) ? row.groupName : 'other';
    point[group] = (point[group] as number) + row[metric];
  }
  return { groups, points: [...points.values()].sort((left, right) => left.period.getTime() - right.period.getTime()) };
}
