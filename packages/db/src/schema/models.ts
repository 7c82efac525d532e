import { boolean, integer, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Model aliases and their per-model overrides. */
export const models = pgTable('models', {
  alias: text('alias').primaryKey(),
  target: text('target').notNull(),
  options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
  /** Ollama's `think`: true, false, or 'low' | 'medium' | 'high' (JSON keeps the type). */
  think: jsonb('think').$type<boolean | 'low' | 'medium' | 'high'>(),
  /** Ollama's `keep_alive`: a duration string or seconds (JSON keeps the type). */
  keepAlive: jsonb('keep_alive').$type<string | number>(),
  requestTimeoutMs: integer('request_timeout_ms'),
  excludeReasoning: boolean('exclude_reasoning').notNull().default(false),
  inputPricePerMTok: numeric('input_price_per_mtok', { precision: 14, scale: 6 }),
  outputPricePerMTok: numeric('output_price_per_mtok', { precision: 14, scale: 6 }),
  visible: boolean('visible').notNull().default(true),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
