import { sql } from 'drizzle-orm';
import { bigint, doublePrecision, index, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/**
 * Totals per key × model (the alias asked for) × period, kept current in the transaction that
 * inserts the usage rows. Requests without a key have a null key id, hence NULLS NOT DISTINCT.
 */
function rollupTable(name: 'usage_hourly' | 'usage_daily') {
  return pgTable(
    name,
    {
      keyId: uuid('key_id'),
      /** The key's team (a key's team is fixed per row: the team at ingestion). */
      teamId: uuid('team_id'),
      model: text('model').notNull(),
      bucketStart: timestamp('bucket_start', { withTimezone: true }).notNull(),
      ...rollupMetrics(),
    },
    (table) => [
      unique(`${name}_key_model_bucket`).on(table.keyId, table.model, table.bucketStart).nullsNotDistinct(),
      // Ranges over every key (tops by key or model, the usage breakdown), read from the index alone:
      // it carries the grouping columns and the totals, so a month of ~100,000 rows is read without
      // touching the wide heap rows (their histograms). Key columns rather than INCLUDE: drizzle-kit
      // has no INCLUDE, and the order past bucket_start costs nothing.
      index(`${name}_bucket_totals_idx`).on(
        table.bucketStart,
        table.keyId,
        table.teamId,
        table.model,
        table.requests,
        table.errors,
        table.promptTokens,
        table.completionTokens,
        table.costUsd,
        table.gpuNs,
      ),
      // One team's keys.
      index(`${name}_team_bucket_idx`).on(table.teamId, table.bucketStart),
    ],
  );
}

/**
 * The same totals per team × period (null: keys of no team and keyless requests). Overviews of the
 * whole organisation or of one team read a few hundred of these rows instead of every key × model
 * row: merging latency histograms costs per row, and 30 days are ~100,000 key × model × day rows.
 */
function teamRollupTable(name: 'usage_team_hourly' | 'usage_team_daily') {
  return pgTable(
    name,
    {
      teamId: uuid('team_id'),
      bucketStart: timestamp('bucket_start', { withTimezone: true }).notNull(),
      ...rollupMetrics(),
    },
    (table) => [unique(`${name}_team_bucket`).on(table.teamId, table.bucketStart).nullsNotDistinct(), index(`${name}_bucket_idx`).on(table.bucketStart)],
  );
}

function rollupMetrics() {
  return {
    requests: bigint('requests', { mode: 'number' }).notNull().default(0),
    errors: bigint('errors', { mode: 'number' }).notNull().default(0),
    promptTokens: bigint('prompt_tokens', { mode: 'number' }).notNull().default(0),
    completionTokens: bigint('completion_tokens', { mode: 'number' }).notNull().default(0),
    costUsd: numeric('cost_usd', { precision: 20, scale: 10 }).notNull().default('0'),
    /** Ollama's load + prompt-eval + eval durations summed: the GPU time spent. */
    gpuNs: bigint('gpu_ns', { mode: 'number' }).notNull().default(0),
    durationMsSum: doublePrecision('duration_ms_sum').notNull().default(0),
    ttftMsSum: doublePrecision('ttft_ms_sum').notNull().default(0),
    /** Counts per latency bucket, packed sparse (see latency-histogram.ts), for p50/p95 without the raw rows. */
    ttftHistogram: bigint('ttft_histogram', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
    durationHistogram: bigint('duration_histogram', { mode: 'number' }).array().notNull().default(sql`'{}'::bigint[]`),
  };
}

export const usageHourly = rollupTable('usage_hourly');
export const usageDaily = rollupTable('usage_daily');
export const usageTeamHourly = teamRollupTable('usage_team_hourly');
export const usageTeamDaily = teamRollupTable('usage_team_daily');
