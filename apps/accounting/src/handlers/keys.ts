import { apiKeys } from '@corral/db';
import { generateApiKey } from '@corral/keys';
import { ErrorCode, replyError, replyOk } from '@corral/protocol';
import { asc, eq, isNull, sql } from 'drizzle-orm';
import { keyInfoFromRow } from '../mappers.ts';
import { putKeyRecord, withReplicationLock } from '../replicate.ts';
import type { Handler } from '../serve.ts';
import { findTeam } from '../team-state.ts';
import type { Transaction } from '../transaction.ts';
import { definedOnly, moneyChange } from '../changes.ts';

const toDate = (value: string | null | undefined) => (value === undefined ? undefined : value === null ? null : new Date(value));

/** Checked under the replication lock, so a team cannot be deleted between the check and the write. */
async function unknownTeam(transaction: Transaction, teamId: string | null | undefined): Promise<boolean> {
  return typeof teamId === 'string' && (await findTeam(transaction, teamId)) === undefined;
}

/** The plaintext leaves this function once, in the reply; only its hash and prefix are kept. */
export const createKey: Handler<'keys.create'> = async (context, request) => {
  const generated = generateApiKey();
  const row = await withReplicationLock(context.db, async (transaction) => {
    if (await unknownTeam(transaction, request.teamId)) return undefined;
    const [inserted] = await transaction
      .insert(apiKeys)
      .values({
        name: request.name,
        prefix: generated.prefix,
        keyHash: generated.hash,
        models: request.models ?? [],
        rpm: request.rpm ?? null,
        tpm: request.tpm ?? null,
        budgetUsd: moneyChange(request.budgetUsd) ?? null,
        expiresAt: toDate(request.expiresAt) ?? null,
        metadata: request.metadata ?? {},
        teamId: request.teamId ?? null,
      })
      .returning();
    if (!inserted) throw new Error('insert returned no row');
    await putKeyRecord(context, inserted);
    return inserted;
  });
  if (!row) return replyError(ErrorCode.NotFound, `no team with id ${request.teamId}`);
  context.logger.info({ keyId: row.id, name: row.name, prefix: row.prefix, teamId: row.teamId }, 'key created');
  return replyOk({ key: keyInfoFromRow(row), plaintext: generated.plaintext });
};

export const listKeys: Handler<'keys.list'> = async (context, request) => {
  const rows = await context.db
    .select()
    .from(apiKeys)
    .where(request.includeRevoked ? undefined : isNull(apiKeys.revokedAt))
    .orderBy(asc(apiKeys.createdAt));
  return replyOk(rows.map(keyInfoFromRow));
};

export const updateKey: Handler<'keys.update'> = async (context, request) => {
  const changes = definedOnly({
    name: request.name,
    models: request.models,
    rpm: request.rpm,
    tpm: request.tpm,
    budgetUsd: moneyChange(request.budgetUsd),
    expiresAt: toDate(request.expiresAt),
    metadata: request.metadata,
    teamId: request.teamId,
  });
  const outcome = await withReplicationLock(context.db, async (transaction) => {
    if (await unknownTeam(transaction, request.teamId)) return 'unknown team' as const;
    const [updated] =
      Object.keys(changes).length === 0
        ? await transaction.select().from(apiKeys).where(eq(apiKeys.id, request.id))
        : await transaction.update(apiKeys).set(changes).where(eq(apiKeys.id, request.id)).returning();
    if (updated) await putKeyRecord(context, updated);
    return updated;
  });
  if (outcome === 'unknown team') return replyError(ErrorCode.NotFound, `no team with id ${request.teamId}`);
  const row = outcome;
  if (!row) return replyError(ErrorCode.NotFound, `no key with id ${request.id}`);
  context.logger.info({ keyId: row.id }, 'key updated');
  return replyOk(keyInfoFromRow(row));
};

/** Revocation is written to KV before the reply, so edges stop accepting the key right away. */
export const revokeKey: Handler<'keys.revoke'> = async (context, request) => {
  const row = await withReplicationLock(context.db, async (transaction) => {
    const [revoked] = await transaction
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(eq(apiKeys.id, request.id))
      .returning();
    if (revoked) await putKeyRecord(context, revoked);
    return revoked;
  });
  if (!row) return replyError(ErrorCode.NotFound, `no key with id ${request.id}`);
  context.logger.info({ keyId: row.id }, 'key revoked');
  return replyOk(keyInfoFromRow(row));
};
