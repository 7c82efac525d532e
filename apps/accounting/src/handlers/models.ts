import { models } from '@corral/db';
import { modelConfigKey, replyOk } from '@corral/protocol';
import { asc, eq, sql } from 'drizzle-orm';
import { modelConfigFromRow } from '../mappers.ts';
import { putModelConfig, withReplicationLock } from '../replicate.ts';
import type { Handler } from '../serve.ts';

const toMoney = (value: number | null | undefined) => (value === undefined || value === null ? null : String(value));

/** Creates or replaces an alias with all its overrides (absent ones fall back to defaults). */
export const setModel: Handler<'models.set'> = async (context, request) => {
  const values = {
    alias: request.alias,
    target: request.target,
    options: request.options ?? {},
    think: request.think ?? null,
    keepAlive: request.keepAlive ?? null,
    requestTimeoutMs: request.requestTimeoutMs ?? null,
    excludeReasoning: request.excludeReasoning ?? false,
    inputPricePerMTok: toMoney(request.inputPricePerMTok),
    outputPricePerMTok: toMoney(request.outputPricePerMTok),
    visible: request.visible ?? true,
    updatedAt: sql`now()`,
  };
  const row = await withReplicationLock(context.db, async (transaction) => {
    const [stored] = await transaction
      .insert(models)
      .values(values)
      .onConflictDoUpdate({ target: models.alias, set: values })
      .returning();
    if (!stored) throw new Error('upsert returned no row');
    await putModelConfig(context, stored);
    return stored;
  });
  context.logger.info({ alias: row.alias, target: row.target }, 'model set');
  return replyOk(modelConfigFromRow(row));
};

export const listModels: Handler<'models.list'> = async (context) => {
  const rows = await context.db.select().from(models).orderBy(asc(models.alias));
  return replyOk(rows.map(modelConfigFromRow));
};

export const deleteModel: Handler<'models.delete'> = async (context, request) => {
  const deleted = await withReplicationLock(context.db, async (transaction) => {
    const rows = await transaction.delete(models).where(eq(models.alias, request.alias)).returning({ alias: models.alias });
    if (rows.length > 0) await context.models.delete(modelConfigKey(request.alias));
    return rows.length > 0;
  });
  if (deleted) context.logger.info({ alias: request.alias }, 'model deleted');
  return replyOk({ deleted });
};
