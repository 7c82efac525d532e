import { teams, type Db } from '@corral/db';
import { and, asc, eq, gt, ilike, sql } from 'drizzle-orm';
import { decodeKeyset, encodeKeyset } from '../cursor.ts';
import { PAGE_SIZE, likePattern, type ListPage } from './paging.ts';

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

export interface ListTeamsOptions {
  /** Matches the name, literally. */
  search?: string;
  /** The `next` of the page before; one this module did not make reads as the first page. */
  after?: string;
  /** Whose month the spend is of (default: the present). */
  now?: Date;
}

/** A team name as the cursor carries it (team names are 1 to 200 characters). */
const TEAM_NAME_TEXT = /^[\s\S]{1,200}$/u;

/** The first day of the month (UTC), the key of team_spend. */
function monthOf(now: Date): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

function teamColumns(now: Date) {
  return {
    id: teams.id,
    name: teams.name,
    models: teams.models,
    rpm: teams.rpm,
    tpm: teams.tpm,
    monthlyBudgetUsd: teams.monthlyBudgetUsd,
    createdAt: teams.createdAt,
    // Spelled out with aliases: drizzle prints a one-table select's columns unqualified, and an
    // unqualified "id" inside the subquery would be the subquery's own table's, not the team's.
    spent: sql<string>`coalesce((select spend.spent_usd from team_spend spend where spend.team_id = teams.id and spend.month = ${monthOf(now)}), 0)`,
    activeKeys: sql<number>`(select count(*)::int from api_keys owned where owned.team_id = teams.id and owned.revoked_at is null)`,
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
export async function listTeams(db: Db, options: ListTeamsOptions): Promise<ListPage<TeamRow>> {
  const after = options.after === undefined ? undefined : decodeKeyset(options.after, [TEAM_NAME_TEXT]);
  const rows = await db
    .select(teamColumns(options.now ?? new Date()))
    .from(teams)
    .where(and(options.search ? ilike(teams.name, likePattern(options.search)) : undefined, after ? gt(teams.name, after[0]!) : undefined))
    .orderBy(asc(teams.name))
    .limit(PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE).map(toTeamRow);
  return { rows: page, next: rows.length > PAGE_SIZE ? encodeKeyset([page.at(-1)!.name]) : undefined };
}

export async function findTeam(db: Db, id: string, now: Date = new Date()): Promise<TeamRow | undefined> {
  const [row] = await db.select(teamColumns(now)).from(teams).where(eq(teams.id, id)).limit(1);
  return row ? toTeamRow(row) : undefined;
}

/** Every team's id and name, for pickers (teams are few; keys are many). */
export async function teamChoices(db: Db): Promise<{ value: string; label: string }[]> {
  const rows = await db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name)).limit(1000);
  return rows.map((row) => ({ value: row.id, label: row.name }));
}
