import { bigint, numeric, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

/**
 * Totals per key × model (the alias asked for) × period, kept current in the transaction that
 * inserts the usage rows. Requests without a key have a null key id, hence NULLS NOT DISTINCT.
 */
function rollupTable(name: 'usage_hourly' | 'usage_daily') {
  return pgTable(
    name,
    {
      keyId: uuid('key_id'),
      model: text('model').notNull(),
      bucketStart: timestamp('bucket_start', { withTimezone: true }).notNull(),
      requests: bigint('requests', { mode: 'number' }).notNull().default(0),
      errors: bigint('errors', { mode: 'number' }).notNull().default(0),
      promptTokens: bigint('prompt_tokens', { mode: 'number' }).notNull().default(0),
      completionTokens: bigint('completion_tokens', { mode: 'number' }).notNull().default(0),
      costUsd: numeric('cost_usd', { precision: 20, scale: 10 }).notNull().default('0'),
    },
    (table) => [unique(`${name}_key_model_bucket`).on(table.keyId, table.model, table.bucketStart).nullsNotDistinct()],
  );
}

export const usageHourly = rollupTable('usage_hourly');
export const usageDaily = rollupTable('usage_daily');
