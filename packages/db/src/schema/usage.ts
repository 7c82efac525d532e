import { bigint, bigserial, boolean, doublePrecision, index, integer, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One row per finished request; `request_id` makes ingestion idempotent. */
export const usage = pgTable(
  'usage',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    requestId: text('request_id').notNull().unique(),
    /** No foreign key on purpose: an event must never be refused because of the key table. */
    keyId: uuid('key_id'),
    /** The key's team when the usage was ingested (null: no team). */
    teamId: uuid('team_id'),
    alias: text('alias').notNull(),
    model: text('model').notNull(),
    endpoint: text('endpoint').notNull(),
    stream: boolean('stream').notNull(),
    status: text('status').notNull(),
    httpStatus: integer('http_status').notNull(),
    errorCode: text('error_code'),
    promptTokens: integer('prompt_tokens').notNull(),
    completionTokens: integer('completion_tokens').notNull(),
    ttftMs: doublePrecision('ttft_ms'),
    durationMs: doublePrecision('duration_ms').notNull(),
    loadDurationNs: bigint('load_duration_ns', { mode: 'number' }),
    promptEvalDurationNs: bigint('prompt_eval_duration_ns', { mode: 'number' }),
    evalDurationNs: bigint('eval_duration_ns', { mode: 'number' }),
    workerId: text('worker_id'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
    costUsd: numeric('cost_usd', { precision: 20, scale: 10 }).notNull().default('0'),
    insertedAt: timestamp('inserted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  // The request log pages by keyset on (started_at, id) newest first, optionally filtered by one of
  // these columns: each index serves one filter and returns rows already in page order.
  (table) => [
    index('usage_started_at_id_idx').on(table.startedAt, table.id),
    index('usage_key_started_at_id_idx').on(table.keyId, table.startedAt, table.id),
    index('usage_team_started_at_id_idx').on(table.teamId, table.startedAt, table.id),
    index('usage_alias_started_at_id_idx').on(table.alias, table.startedAt, table.id),
    index('usage_status_started_at_id_idx').on(table.status, table.startedAt, table.id),
  ],
);
