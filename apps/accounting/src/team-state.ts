import { apiKeys, teamSpend, teams } from '@corral/db';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Queryable } from './transaction.ts';
import { monthStart } from './usage/periods.ts';

export type TeamRow = typeof teams.$inferSelect;

/** A team with what operators and edges need besides its row: this month's spend and its live keys. */
export interface TeamState {
  row: TeamRow;
  /** Spent in the UTC month of `now` (0 when nothing was charged yet). */
  spentThisMonthUsd: number;
  /** Keys the team owns that are not revoked. */
  activeKeys: number;
}

/** Teams (all, or those of `ids`), by name, with the spend of the UTC month holding `now`. */
export async function loadTeams(db: Queryable, options: { ids?: string[]; now?: Date } = {}): Promise<TeamState[]> {
  if (options.ids?.length === 0) return [];
  const month = monthStart(options.now ?? new Date());
  const rows = await db
    .select({
      row: teams,
      spent: teamSpend.spentUsd,
      activeKeys: sql<number>`(SELECT count(*) FROM ${apiKeys} WHERE ${and(eq(apiKeys.teamId, teams.id), isNull(apiKeys.revokedAt))})`.mapWith(Number),
    })
    .from(teams)
    .leftJoin(teamSpend, and(eq(teamSpend.teamId, teams.id), eq(teamSpend.month, month)))
    .where(options.ids ? inArray(teams.id, options.ids) : undefined)
    .orderBy(asc(teams.name));
  return rows.map(({ row, spent, activeKeys }) => ({ row, spentThisMonthUsd: spent === null ? 0 : Number(spent), activeKeys }));
}

/** Finds a team by id; undefined when there is none. */
export async function findTeam(db: Queryable, id: string): Promise<TeamRow | undefined> {
  const [row] = await db.select().from(teams).where(eq(teams.id, id));
  return row;
}
