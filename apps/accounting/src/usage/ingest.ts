import { apiKeys, models, usage, usageDaily, usageHourly, type Db } from '@corral/db';
import { sanitizeUsageEvent, type UsageEvent } from '@corral/protocol';
import { eq, inArray, sql } from 'drizzle-orm';
import { costUsd, moneyText, type Prices } from './cost.ts';
import { dayStart, hourStart } from './periods.ts';
import { rollUp, type RollupRow } from './rollup.ts';

export interface IngestResult {
  inserted: number;
  duplicates: number;
  /** Keys whose spent amount changed (to re-publish to the edges). */
  chargedKeyIds: string[];
}

/**
 * Writes a batch of usage events in one transaction. Rows already present (a redelivery, or the
 * same request published twice) are skipped by ON CONFLICT, and only the rows really inserted feed
 * the rollups and the keys' spending, so nothing is counted twice. Text is made storable here too
 * (a NUL or a lone surrogate would fail the whole transaction), whoever the caller is.
 */
export async function ingestUsage(db: Db, batch: UsageEvent[]): Promise<IngestResult> {
  const events = [...new Map(batch.map((event) => [event.requestId, sanitizeUsageEvent(event)])).values()];
  if (events.length === 0) return { inserted: 0, duplicates: batch.length, chargedKeyIds: [] };

  return db.transaction(async (transaction) => {
    const aliases = [...new Set(events.map((event) => event.alias))];
    const priceRows = await transaction
      .select({ alias: models.alias, input: models.inputPricePerMTok, output: models.outputPricePerMTok })
      .from(models)
      .where(inArray(models.alias, aliases));
    const prices = new Map<string, Prices>(
      priceRows.map((row) => [row.alias, { inputPricePerMTok: row.input === null ? null : Number(row.input), outputPricePerMTok: row.output === null ? null : Number(row.output) }]),
    );
    const priced = events.map((event) => ({ event, costUsd: costUsd(event.promptTokens, event.completionTokens, prices.get(event.alias)) }));

    const inserted = await transaction
      .insert(usage)
      .values(
        priced.map(({ event, costUsd: cost }) => ({
          requestId: event.requestId,
          keyId: event.keyId,
          alias: event.alias,
          model: event.model,
          endpoint: event.endpoint,
          stream: event.stream,
          status: event.status,
          httpStatus: event.httpStatus,
          errorCode: event.errorCode ?? null,
          promptTokens: event.promptTokens,
          completionTokens: event.completionTokens,
          ttftMs: event.ttftMs ?? null,
          durationMs: event.durationMs,
          loadDurationNs: event.loadDurationNs ?? null,
          promptEvalDurationNs: event.promptEvalDurationNs ?? null,
          evalDurationNs: event.evalDurationNs ?? null,
          workerId: event.workerId ?? null,
          startedAt: new Date(event.startedAt),
          finishedAt: new Date(event.finishedAt),
          costUsd: moneyText(cost),
        })),
      )
      .onConflictDoNothing({ target: usage.requestId })
      .returning({ requestId: usage.requestId });

    const insertedIds = new Set(inserted.map((row) => row.requestId));
    const fresh = priced.filter(({ event }) => insertedIds.has(event.requestId));
    await upsertRollup(transaction, usageHourly, rollUp(fresh, hourStart));
    await upsertRollup(transaction, usageDaily, rollUp(fresh, dayStart));

    const spending = new Map<string, number>();
    for (const { event, costUsd: cost } of fresh) {
      if (event.keyId && cost > 0) spending.set(event.keyId, (spending.get(event.keyId) ?? 0) + cost);
    }
    // Sorted for the same lock order in every replica.
    const chargedKeyIds = [...spending.keys()].sort();
    for (const keyId of chargedKeyIds) {
      await transaction
        .update(apiKeys)
        .set({ spentUsd: sql`${apiKeys.spentUsd} + ${moneyText(spending.get(keyId) ?? 0)}::numeric` })
        .where(eq(apiKeys.id, keyId));
    }
    return { inserted: fresh.length, duplicates: batch.length - fresh.length, chargedKeyIds };
  });
}

type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];

async function upsertRollup(transaction: Transaction, table: typeof usageHourly | typeof usageDaily, rows: RollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  await transaction
    .insert(table)
    .values(rows.map((row) => ({ ...row, costUsd: moneyText(row.costUsd) })))
    .onConflictDoUpdate({
      target: [table.keyId, table.model, table.bucketStart],
      set: {
        requests: sql`${table.requests} + excluded.requests`,
        errors: sql`${table.errors} + excluded.errors`,
        promptTokens: sql`${table.promptTokens} + excluded.prompt_tokens`,
        completionTokens: sql`${table.completionTokens} + excluded.completion_tokens`,
        costUsd: sql`${table.costUsd} + excluded.cost_usd`,
      },
    });
}
