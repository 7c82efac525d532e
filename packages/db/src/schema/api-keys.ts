import { sql } from 'drizzle-orm';
import { index, integer, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { teams } from './teams.ts';

/** API keys. Only the SHA-256 of a key is stored, with a short prefix to recognise it. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    /** Models the key may use; empty means all. */
    models: text('models').array().notNull().default(sql`'{}'::text[]`),
    rpm: integer('rpm'),
    tpm: integer('tpm'),
    budgetUsd: numeric('budget_usd', { precision: 14, scale: 6 }),
    spentUsd: numeric('spent_usd', { precision: 20, scale: 10 }).notNull().default('0'),
    /** The owning team; null = a key of no team, bounded only by its own settings. */
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'restrict' }),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [index('api_keys_created_at_idx').on(table.createdAt), index('api_keys_team_id_idx').on(table.teamId)],
);
