import { apiKeys, type Db, type models } from '@corral/db';
import { KeyRecord, ModelConfig, modelConfigKey, TeamRecord } from '@corral/protocol';
import { inArray, sql } from 'drizzle-orm';
import type { AccountingContext } from './context.ts';
import { keyRecordFromRow, modelConfigFromRow, teamRecordFromState } from './mappers.ts';
import { loadTeams, type TeamState } from './team-state.ts';
import type { Transaction } from './transaction.ts';

/** Any fixed number; every replica takes it around "change Postgres, then write KV". */
const REPLICATION_LOCK = 7_265_746_575;


/**
 * Runs a change under a transaction-scoped advisory lock shared by all replicas, so that the order
 * in which KV is written matches the order of the Postgres commits: a reconciliation that read a key
 * before it was revoked can never overwrite the revocation in KV afterwards.
 */
export async function withReplicationLock<T>(db: Db, work: (transaction: Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (transaction) => {
    await transaction.execute(sql`SELECT pg_advisory_xact_lock(${REPLICATION_LOCK})`);
    return work(transaction);
  });
}

export async function putKeyRecord(context: AccountingContext, row: typeof apiKeys.$inferSelect): Promise<void> {
  await context.keys.put(row.keyHash, KeyRecord, keyRecordFromRow(row));
}

export async function putModelConfig(context: AccountingContext, row: typeof models.$inferSelect): Promise<void> {
  await context.models.put(modelConfigKey(row.alias), ModelConfig, modelConfigFromRow(row));
}

/** Re-publishes the given keys as they are now (spent amounts after usage was charged). */
export async function replicateKeys(context: AccountingContext, keyIds: string[]): Promise<void> {
  if (keyIds.length === 0) return;
  await withReplicationLock(context.db, async (transaction) => {
    const rows = await transaction.select().from(apiKeys).where(inArray(apiKeys.id, keyIds));
    for (const row of rows) await putKeyRecord(context, row);
  });
}

export async function putTeamRecord(context: AccountingContext, state: TeamState): Promise<void> {
  await context.teams.put(state.row.id, TeamRecord, teamRecordFromState(state));
}

/** Re-publishes the given teams as they are now (this month's spend after usage was charged). */
export async function replicateTeams(context: AccountingContext, teamIds: string[]): Promise<void> {
  if (teamIds.length === 0) return;
  await withReplicationLock(context.db, async (transaction) => {
    for (const state of await loadTeams(transaction, { ids: teamIds })) await putTeamRecord(context, state);
  });
}
