import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Stored /v1/responses results, readable only by the key that created them. */
export const responses = pgTable(
  'responses',
  {
    id: text('id').primaryKey(),
    keyId: uuid('key_id'),
    model: text('model').notNull(),
    messages: jsonb('messages').$type<Record<string, unknown>[]>().notNull(),
    output: jsonb('output').$type<unknown>().notNull(),
    /** The request's input as OpenAI items with ids (GET /v1/responses/{id}/input_items); null on rows stored before it existed. */
    inputItems: jsonb('input_items').$type<Record<string, unknown>[]>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('responses_key_id_idx').on(table.keyId)],
);
