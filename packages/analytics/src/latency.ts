import { histogramPercentile, type LatencyCounts } from '@corral/db';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@corral/db';

export interface LatencySummary {
  /** Null when no request in the range had one. */
  p50: number | null;
  p95: number | null;
  mean: number | null;
}

const COUNT_SPACE = sql.raw(String(2 ** 32));

/**
 * TTFT and duration percentiles over the rollup rows of `table` matching `where`: the packed
 * histograms are merged in SQL (one row per non-empty bucket comes back) and read here.
 */
export async function latencySummaries(db: Db, table: SQL, where: SQL): Promise<{ ttftMs: LatencySummary; durationMs: LatencySummary }> {
  const result = await db.execute(sql`
    WITH matching AS (SELECT ttft_histogram, duration_histogram FROM ${table} WHERE ${where})
    SELECT 0 AS kind, element / ${COUNT_SPACE} AS bucket, sum(element % ${COUNT_SPACE})::float8 AS count
      FROM matching, unnest(matching.ttft_histogram) AS element GROUP BY 2
    UNION ALL
    SELECT 1 AS kind, element / ${COUNT_SPACE} AS bucket, sum(element % ${COUNT_SPACE})::float8 AS count
      FROM matching, unnest(matching.duration_histogram) AS element GROUP BY 2`);
  const sums = await db.execute(sql`SELECT coalesce(sum(ttft_ms_sum), 0)::float8 AS ttft, coalesce(sum(duration_ms_sum), 0)::float8 AS duration FROM ${table} WHERE ${where}`);
  const ttft: LatencyCounts = new Map();
  const duration: LatencyCounts = new Map();
  for (const row of result.rows) (Number(row.kind) === 0 ? ttft : duration).set(Number(row.bucket), Number(row.count));
  const totals = sums.rows[0] ?? {};
  return { ttftMs: summarize(ttft, Number(totals.ttft ?? 0)), durationMs: summarize(duration, Number(totals.duration ?? 0)) };
}

function summarize(counts: LatencyCounts, sum: number): LatencySummary {
  let total = 0;
  for (const count of counts.values()) total += count;
  return { p50: histogramPercentile(counts, 0.5), p95: histogramPercentile(counts, 0.95), mean: total === 0 ? null : sum / total };
}
