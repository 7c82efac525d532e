import { apiKeys, teamSpend, teams, type Db } from '@corral/db';
import { and, asc, desc, eq, ilike, or, sql } from 'drizzle-orm';

/**
 * The keys and teams lists exactly as apps/admin/src/lib/queries/{keys,teams}.ts send them (the app's
 * modules are server-only and bound to its own pool, so the statements are repeated here). Keep the
 * two in step when either changes.
 */
const PAGE_SIZE = 25;

const likePattern = (search: string) => `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

/** listKeys({ search }): the first page of keys whose name or prefix matches, newest first. */
export async function searchKeys(db: Db, search: string): Promise<unknown[]> {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      models: apiKeys.models,
      rpm: apiKeys.rpm,
      tpm: apiKeys.tpm,
      budgetUsd: apiKeys.budgetUsd,
      spentUsd: apiKeys.spentUsd,
      createdAt: apiKeys.createdAt,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
      teamId: apiKeys.teamId,
      teamName: teams.name,
      cursorTime: sql<string>`${apiKeys.createdAt}::text`,
    })
    .from(apiKeys)
    .leftJoin(teams, eq(teams.id, apiKeys.teamId))
    .where(and(or(ilike(apiKeys.name, likePattern(search)), ilike(apiKeys.prefix, likePattern(search)))))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(PAGE_SIZE + 1);
}

/** listTeams({}): the first page of teams by name, with this month's spend and active keys. */
export async function listTeams(db: Db, month: string): Promise<unknown[]> {
  return db
    .select({
      id: teams.id,
      name: teams.name,
      models: teams.models,
      rpm: teams.rpm,
      tpm: teams.tpm,
      monthlyBudgetUsd: teams.monthlyBudgetUsd,
      createdAt: teams.createdAt,
      spent: sql<string>`coalesce((select ${teamSpend.spentUsd} from ${teamSpend} where ${teamSpend.teamId} = ${teams.id} and ${teamSpend.month} = ${month}), 0)`,
      activeKeys: sql<number>`(select count(*)::int from ${apiKeys} where ${apiKeys.teamId} = ${teams.id} and ${apiKeys.revokedAt} is null)`,
    })
    .from(teams)
    .where(and())
    .orderBy(asc(teams.name))
    .limit(PAGE_SIZE + 1);
}
