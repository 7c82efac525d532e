import { apiKeys, teams } from '@corral/db';
import { ErrorCode, replyError, replyOk, type AccountingReply } from '@corral/protocol';
import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { AccountingContext } from '../context.ts';
import { teamInfoFromState } from '../mappers.ts';
import { putKeyRecord, putTeamRecord, withReplicationLock } from '../replicate.ts';
import type { Handler } from '../serve.ts';
import { loadTeams, type TeamState } from '../team-state.ts';
import type { Transaction } from '../transaction.ts';
import { isUniqueViolation } from '../usage/failures.ts';
import { definedOnly, moneyChange } from '../changes.ts';

/** A name already taken is the caller's mistake (a conflict), not a failure of accounting. */
async function unlessNameTaken<T>(name: string | undefined, work: () => Promise<AccountingReply<T>>): Promise<AccountingReply<T>> {
  try {
    return await work();
  } catch (error) {
    if (name !== undefined && isUniqueViolation(error)) return replyError(ErrorCode.Conflict, `a team named '${name}' already exists`);
    throw error;
  }
}

/** The team as it is now, in this transaction, put to KV: edges see every change before the reply. */
async function replicateTeam(context: AccountingContext, transaction: Transaction, id: string): Promise<TeamState> {
  const [state] = await loadTeams(transaction, { ids: [id] });
  if (!state) throw new Error(`team ${id} vanished inside its own transaction`);
  await putTeamRecord(context, state);
  return state;
}

export const createTeam: Handler<'teams.create'> = async (context, request) =>
  unlessNameTaken(request.name, async () => {
    const state = await withReplicationLock(context.db, async (transaction) => {
      const [inserted] = await transaction
        .insert(teams)
        .values({
          name: request.name,
          models: request.models ?? [],
          rpm: request.rpm ?? null,
          tpm: request.tpm ?? null,
          monthlyBudgetUsd: moneyChange(request.monthlyBudgetUsd) ?? null,
        })
        .returning({ id: teams.id });
      if (!inserted) throw new Error('insert returned no row');
      return replicateTeam(context, transaction, inserted.id);
    });
    context.logger.info({ teamId: state.row.id, name: state.row.name }, 'team created');
    return replyOk(teamInfoFromState(state));
  });

export const listTeams: Handler<'teams.list'> = async (context) => replyOk((await loadTeams(context.db)).map(teamInfoFromState));

export const updateTeam: Handler<'teams.update'> = async (context, request) =>
  unlessNameTaken(request.name, async () => {
    const changes = definedOnly({
      name: request.name,
      models: request.models,
      rpm: request.rpm,
      tpm: request.tpm,
      monthlyBudgetUsd: moneyChange(request.monthlyBudgetUsd),
    });
    const state = await withReplicationLock(context.db, async (transaction) => {
      const [found] =
        Object.keys(changes).length === 0
          ? await transaction.select({ id: teams.id }).from(teams).where(eq(teams.id, request.id))
          : await transaction
              .update(teams)
              .set({ ...changes, updatedAt: sql`now()` })
              .where(eq(teams.id, request.id))
              .returning({ id: teams.id });
      return found ? replicateTeam(context, transaction, found.id) : undefined;
    });
    if (!state) return replyError(ErrorCode.NotFound, `no team with id ${request.id}`);
    context.logger.info({ teamId: state.row.id }, 'team updated');
    return replyOk(teamInfoFromState(state));
  });

/**
 * Refused while the team owns keys that still work: deleting it would silently lift their bounds.
 * Revoked keys are detached first (they keep working as nothing either way), so the team can go.
 */
export const deleteTeam: Handler<'teams.delete'> = async (context, request) => {
  const outcome = await withReplicationLock(context.db, async (transaction) => {
    const [team] = await transaction.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.id, request.id)).for('update');
    if (!team) return { kind: 'missing' } as const;
    const [live] = await transaction
      .select({ count: sql<number>`count(*)`.mapWith(Number) })
      .from(apiKeys)
      .where(and(eq(apiKeys.teamId, team.id), isNull(apiKeys.revokedAt)));
    const activeKeys = live?.count ?? 0;
    if (activeKeys > 0) return { kind: 'refused', message: `team '${team.name}' still owns ${activeKeys} key(s) that are not revoked: revoke them or move them to another team first` } as const;
    const detached = await transaction
      .update(apiKeys)
      .set({ teamId: null })
      .where(and(eq(apiKeys.teamId, team.id), isNotNull(apiKeys.revokedAt)))
      .returning();
    for (const row of detached) await putKeyRecord(context, row);
    await transaction.delete(teams).where(eq(teams.id, team.id));
    await context.teams.delete(team.id);
    return { kind: 'deleted', name: team.name } as const;
  });
  if (outcome.kind === 'refused') return replyError(ErrorCode.Conflict, outcome.message);
  if (outcome.kind === 'missing') return replyOk({ deleted: false });
  context.logger.info({ teamId: request.id, name: outcome.name }, 'team deleted');
  return replyOk({ deleted: true });
};
