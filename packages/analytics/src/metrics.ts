import { sql, type SQL } from 'drizzle-orm';
import { Granularity } from './range.ts';

/** Totals every query returns, as numbers. */
export interface UsageTotals {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  gpuSeconds: number;
}

/** SQL selecting UsageTotals' columns summed over rollup rows (aliases match the row mapper). */
export const totalsSelection: SQL = sql.raw(
  [
    'coalesce(sum(requests), 0)::float8 AS requests',
    'coalesce(sum(errors), 0)::float8 AS errors',
    'coalesce(sum(prompt_tokens), 0)::float8 AS prompt_tokens',
    'coalesce(sum(completion_tokens), 0)::float8 AS completion_tokens',
    'coalesce(sum(cost_usd), 0)::float8 AS cost_usd',
    'coalesce(sum(gpu_ns), 0)::float8 / 1e9 AS gpu_seconds',
  ].join(', '),
);

export function toTotals(row: Record<string, unknown>): UsageTotals {
  return {
    requests: Number(row.requests ?? 0),
    errors: Number(row.errors ?? 0),
    promptTokens: Number(row.prompt_tokens ?? 0),
    completionTokens: Number(row.completion_tokens ?? 0),
    costUsd: Number(row.cost_usd ?? 0),
    gpuSeconds: Number(row.gpu_seconds ?? 0),
  };
}

export function emptyTotals(): UsageTotals {
  return { requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, gpuSeconds: 0 };
}

export function addTotals(into: UsageTotals, from: UsageTotals): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.promptTokens += from.promptTokens;
  into.completionTokens += from.completionTokens;
  into.costUsd += from.costUsd;
  into.gpuSeconds += from.gpuSeconds;
}

/** The rollup table for a granularity: per key × model, or per team. */
export function rollupTable(granularity: Granularity, level: 'key' | 'team'): SQL {
  const name = level === 'key' ? (granularity === Granularity.Hour ? 'usage_hourly' : 'usage_daily') : granularity === Granularity.Hour ? 'usage_team_hourly' : 'usage_team_daily';
  return sql.raw(name);
}

/** Conditions joined with AND (always at least the range). */
export function whereAll(conditions: SQL[]): SQL {
  return sql.join(conditions, sql` AND `);
}
