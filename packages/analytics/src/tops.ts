import type { Db } from '@corral/db';
import { sql } from 'drizzle-orm';
import { rollupTable, toTotals, totalsSelection, whereAll, type UsageTotals } from './metrics.ts';
import { resolveRange, type ResolvedRange, type TimeRange } from './range.ts';

export interface TopOptions {
  range: TimeRange;
  /** Default 10. */
  limit?: number;
  now?: Date;
}

export interface TopTeam extends UsageTotals {
  /** Null: keys of no team and keyless requests. */
  teamId: string | null;
  teamName: string | null;
}

export interface TopKey extends UsageTotals {
  /** Null: requests made without a key. */
  keyId: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  teamId: string | null;
  teamName: string | null;
}

export interface TopModel extends UsageTotals {
  /** The model name callers asked for (the alias). */
  model: string;
}

function rangeConditions(range: ResolvedRange, alias: string) {
  return [sql`${sql.raw(alias)}.bucket_start >= ${range.from.toISOString()}::timestamptz`, sql`${sql.raw(alias)}.bucket_start < ${range.to.toISOString()}::timestamptz`];
}

/** The teams with the most requests in the range. */
export async function topTeams(db: Db, options: TopOptions): Promise<TopTeam[]> {
  const range = resolveRange(options.range, options.now);
  const result = await db.execute(sql`
    SELECT totals.*, teams.name AS team_name FROM (
      SELECT r.team_id, ${totalsSelection} FROM ${rollupTable(range.granularity, 'team')} r WHERE ${whereAll(rangeConditions(range, 'r'))}
      GROUP BY r.team_id ORDER BY requests DESC, r.team_id LIMIT ${options.limit ?? 10}
    ) totals LEFT JOIN teams ON teams.id = totals.team_id ORDER BY totals.requests DESC, totals.team_id`);
  return result.rows.map((row) => ({ teamId: (row.team_id as string | null) ?? null, teamName: (row.team_name as string | null) ?? null, ...toTotals(row) }));
}

/** The keys with the most requests in the range (optionally within one team). */
export async function topKeys(db: Db, options: TopOptions & { teamId?: string }): Promise<TopKey[]> {
  const range = resolveRange(options.range, options.now);
  const conditions = rangeConditions(range, 'r');
  if (options.teamId) conditions.push(sql`r.team_id = ${options.teamId}::uuid`);
  const result = await db.execute(sql`
    SELECT totals.*, api_keys.name AS key_name, api_keys.prefix AS key_prefix, api_keys.team_id AS team_id, teams.name AS team_name FROM (
      SELECT r.key_id, ${totalsSelection} FROM ${rollupTable(range.granularity, 'key')} r WHERE ${whereAll(conditions)}
      GROUP BY r.key_id ORDER BY requests DESC, r.key_id LIMIT ${options.limit ?? 10}
    ) totals LEFT JOIN api_keys ON api_keys.id = totals.key_id LEFT JOIN teams ON teams.id = api_keys.team_id
    ORDER BY totals.requests DESC, totals.key_id`);
  return result.rows.map((row) => ({
    keyId: (row.key_id as string | null) ?? null,
    keyName: (row.key_name as string | null) ?? null,
    keyPrefix: (row.key_prefix as string | null) ?? null,
    teamId: (row.team_id as string | null) ?? null,
    teamName: (row.team_name as string | null) ?? null,
    ...toTotals(row),
  }));
}

/** The models (as asked for) with the most requests in the range (optionally of one team or key). */
export async function topModels(db: Db, options: TopOptions & { teamId?: string; keyId?: string }): Promise<TopModel[]> {
  const range = resolveRange(options.range, options.now);
  const conditions = rangeConditions(range, 'r');
  if (options.teamId) conditions.push(sql`r.team_id = ${options.teamId}::uuid`);
  if (options.keyId) conditions.push(sql`r.key_id = ${options.keyId}::uuid`);
  const result = await db.execute(sql`
    SELECT r.model, ${totalsSelection} FROM ${rollupTable(range.granularity, 'key')} r WHERE ${whereAll(conditions)}
    GROUP BY r.model ORDER BY requests DESC, r.model LIMIT ${options.limit ?? 10}`);
  return result.rows.map((row) => ({ model: row.model as string, ...toTotals(row) }));
}
