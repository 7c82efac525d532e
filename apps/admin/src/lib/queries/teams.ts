import 'server-only';
import { apiKeys, teamSpend, teams } from '@corral/db';
import { and, asc, eq, gt, ilike, sql } from 'drizzle-orm';
import { db } from '../db.ts';
import { PAGE_SIZE, decodeCursor, encodeCursor, likePattern } from '../paging.ts';

export interface TeamRow {
  id: string;
  name: string;
  models: string[];
  rpm: number | null;
  tpm: number | null;
  monthlyBudgetUsd: number | null;
  spentThisMonthUsd: number;
  activeKeys: number;
  createdAt: Date;
}

/** The first day of the current month (UTC), the key of team_spend. */
function currentMonth(): string {
  return `${new Date().toISOString().slice(0, 7)}-01`;
}

function teamColumns() {
  return {
    id: teams.id,
    name: teams.name,
    models: teams.models,
    rpm: teams.rpm,
    tpm: teams.tpm,
    monthlyBudgetUsd: teams.monthlyBudgetUsd,
    createdAt: teams.createdAt,
    spent: sql<string>`coalesce((select ${teamSpend.spentUsd} from ${teamSpend} where ${teamSpend.teamId} = ${teams.id} and ${teamSpend.month} = ${currentMonth()}), 0)`,
    activeKeys: sql<number>`(select count(*)::int from ${apiKeys} where ${apiKeys.teamId} = ${teams.id} and ${apiKeys.revokedAt} is null)`,
  };
}

type RawTeam = { [K in keyof ReturnType<typeof teamColumns>]: unknown };

function toTeamRow(row: RawTeam): TeamRow {
  return {
    id: row.id as string,
    name: row.name as string,
    models: row.models as string[],
    rpm: row.rpm as number | null,
    tpm: row.tpm as number | null,
    monthlyBudgetUsd: row.monthlyBudgetUsd === null ? null : Number(row.monthlyBudgetUsd),
    spentThisMonthUsd: Number(row.spent),
    activeKeys: Number(row.activeKeys),
    createdAt: row.createdAt as Date,
  };
}

/** Teams by name (the unique index on name serves both the order and the cursor). */
export async function listTeams(options: { search?: string; after?: string }): Promise<{ rows: TeamRow[]; next?: string }> {
  const after = decodeCursor(options.after, 1);
  const rows = await db()
    .select(teamColumns())
    .from(teams)
    .where(and(options.search ? ilike(teams.name, likePattern(options.search)) : undefined, after ? gt(teams.name, after[0]!) : undefined))
    .orderBy(asc(teams.name))
    .limit(PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE).map(toTeamRow);
  return { rows: page, next: rows.length > PAGE_SIZE ? encodeCursor([page.at(-1)!.name]) : undefined };
}

export async function findTeam(id: string): Promise<TeamRow | undefined> {
  const [row] = await db().select(teamColumns()).from(teams).where(eq(teams.id, id)).limit(1);
  return row ? toTeamRow(row) : undefined;
}

/** Every team's id and name, for pickers (teams are few; keys are many). */
export async function teamChoices(): Promise<{ value: string; label: string }[]> {
  const rows = await db().select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name)).limit(1000);
  return rows.map((row) => ({ value: row.id, label: row.name }));
}
