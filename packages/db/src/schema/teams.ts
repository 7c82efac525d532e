import { sql } from 'drizzle-orm';
import { date, integer, numeric, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * A team owns keys: its model list, limits and monthly budget bound every key it owns. A key with
 * no team is bounded only by its own settings.
 */
export const teams = pgTable('teams', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  /** Models the team's keys may use; empty means all. */
  models: text('models').array().notNull().default(sql`'{}'::text[]`),
  rpm: integer('rpm'),
  tpm: integer('tpm'),
  /** Spend allowed per calendar month (UTC); null means unlimited. */
  monthlyBudgetUsd: numeric('monthly_budget_usd', { precision: 14, scale: 6 }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** What a team spent per calendar month (UTC), charged in the transaction that ingests usage. */
export const teamSpend = pgTable(
  'team_spend',
  {
    teamId: uuid('team_id')
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    /** The first day of the month. */
    month: date('month', { mode: 'string' }).notNull(),
    spentUsd: numeric('spent_usd', { precision: 20, scale: 10 }).notNull().default('0'),
  },
  (table) => [primaryKey({ columns: [table.teamId, table.month] })],
);
