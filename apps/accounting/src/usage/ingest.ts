import { apiKeys, mergeHistogramsSql, models, packHistogram, usage, usageDaily, usageHourly, usageTeamDaily, usageTeamHourly, type Db } from '@corral/db';
import { sanitizeUsageEvent, type UsageEvent } from '@corral/protocol';
import { eq, inArray, sql } from 'drizzle-orm';
import { costUsd, moneyText, type Prices } from './cost.ts';
import { dayStart, hourStart } from './periods.ts';
import { rollUp, rollUpTeams, type RollupMetrics, type RollupRow, type TeamRollupRow } from './rollup.ts';

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
    const hourly = rollUp(fresh, hourStart);
    const daily = rollUp(fresh, dayStart);
    await upsertRollup(transaction, usageHourly, hourly);
    await upsertRollup(transaction, usageDaily, daily);
    await upsertTeamRollup(transaction, usageTeamHourly, rollUpTeams(hourly));
    await upsertTeamRollup(transaction, usageTeamDaily, rollUpTeams(daily));

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

/** A row's metrics as stored: money as text, histograms packed. */
function storedMetrics(row: RollupMetrics) {
  return { ...row, costUsd: moneyText(row.costUsd), ttftHistogram: packHistogram(row.ttftHistogram), durationHistogram: packHistogram(row.durationHistogram) };
}

type RollupTable = typeof usageHourly | typeof usageDaily | typeof usageTeamHourly | typeof usageTeamDaily;

/** What an upsert adds to a rollup row already there: every counter summed, histograms merged bucket by bucket. */
function addedMetrics(table: RollupTable) {
  return {
    requests: sql`${table.requests} + excluded.requests`,
    errors: sql`${table.errors} + excluded.errors`,
    promptTokens: sql`${table.promptTokens} + excluded.prompt_tokens`,
    completionTokens: sql`${table.completionTokens} + excluded.completion_tokens`,
    costUsd: sql`${table.costUsd} + excluded.cost_usd`,
    gpuNs: sql`${table.gpuNs} + excluded.gpu_ns`,
    durationMsSum: sql`${table.durationMsSum} + excluded.duration_ms_sum`,
    ttftMsSum: sql`${table.ttftMsSum} + excluded.ttft_ms_sum`,
    ttftHistogram: mergeHistogramsSql(sql`${table.ttftHistogram}`, sql`excluded.ttft_histogram`),
    durationHistogram: mergeHistogramsSql(sql`${table.durationHistogram}`, sql`excluded.duration_histogram`),
  };
}

async function upsertRollup(transaction: Transaction, table: typeof usageHourly | typeof usageDaily, rows: RollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  await transaction
    .insert(table)
    .values(rows.map((row) => ({ ...row, ...storedMetrics(row) })))
    .onConflictDoUpdate({ target: [table.keyId, table.model, table.bucketStart], set: addedMetrics(table) });
}

async function upsertTeamRollup(transaction: Transaction, table: typeof usageTeamHourly | typeof usageTeamDaily, rows: TeamRollupRow[]): Promise<void> {
  if (rows.length === 0) return;
  await transaction
    .insert(table)
    .values(rows.map((row) => ({ ...row, ...storedMetrics(row) })))
    .onConflictDoUpdate({ target: [table.teamId, table.bucketStart], set: addedMetrics(table) });
}
