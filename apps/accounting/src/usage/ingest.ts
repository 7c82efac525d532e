import { apiKeys, mergeHistogramsSql, models, packHistogram, teamSpend, teams, usageDaily, usageHourly, usageTeamDaily, usageTeamHourly, type Db } from '@corral/db';
import { sanitizeUsageEvent, type UsageEvent } from '@corral/protocol';
import { eq, inArray, sql } from 'drizzle-orm';
import { costUsd, moneyText, type Prices } from './cost.ts';
import { dayStart, hourStart, monthStart } from './periods.ts';
import { rollUp, rollUpTeams, type RollupMetrics, type RollupRow, type TeamRollupRow } from './rollup.ts';
import { insertUsageRows } from './usage-rows.ts';

export interface IngestResult {
  inserted: number;
  duplicates: number;
  /** Keys whose spent amount changed (to re-publish to the edges). */
  chargedKeyIds: string[];
  /** Teams whose monthly spend changed (to re-publish to the edges). */
  chargedTeamIds: string[];
}

/**
 * Writes a batch of usage events in one transaction. Rows already present (a redelivery, or the
 * same request published twice) are skipped by ON CONFLICT, and only the rows really inserted feed
 * the rollups and the keys' spending, so nothing is counted twice. Text is made storable here too
 * (a NUL or a lone surrogate would fail the whole transaction), whoever the caller is.
 */
export async function ingestUsage(db: Db, batch: UsageEvent[]): Promise<IngestResult> {
  const events = [...new Map(batch.map((event) => [event.requestId, sanitizeUsageEvent(event)])).values()];
  if (events.length === 0) return { inserted: 0, duplicates: batch.length, chargedKeyIds: [], chargedTeamIds: [] };

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
    const teamOfKey = await keyTeams(transaction, events);
    const teamOf = (keyId: string | null) => (keyId === null ? null : (teamOfKey.get(keyId) ?? null));

    const insertedIds = await insertUsageRows(
      transaction,
      priced.map(({ event, costUsd: cost }) => ({
        requestId: event.requestId,
        keyId: event.keyId,
        teamId: teamOf(event.keyId),
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
        startedAt: new Date(event.startedAt).toISOString(),
        finishedAt: new Date(event.finishedAt).toISOString(),
        costUsd: moneyText(cost),
      })),
    );
    const fresh = priced.filter(({ event }) => insertedIds.has(event.requestId));
    // Rollups group by key, so a row's team is its key's.
    const hourly = rollUp(fresh, hourStart).map((row) => ({ ...row, teamId: teamOf(row.keyId) }));
    const daily = rollUp(fresh, dayStart).map((row) => ({ ...row, teamId: teamOf(row.keyId) }));
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
    const chargedTeamIds = await chargeTeams(transaction, fresh.map(({ event, costUsd: cost }) => ({ teamId: teamOf(event.keyId), startedAt: event.startedAt, costUsd: cost })));
    return { inserted: fresh.length, duplicates: batch.length - fresh.length, chargedKeyIds, chargedTeamIds };
  });
}

/**
 * The team of each event's key, as it is in this transaction. The teams are locked FOR KEY SHARE
 * (as a foreign key check would), so a team deleted meanwhile is seen as gone rather than failing
 * the batch; its events then count for no team.
 */
async function keyTeams(transaction: Transaction, events: UsageEvent[]): Promise<Map<string, string>> {
  const keyIds = [...new Set(events.flatMap((event) => (event.keyId ? [event.keyId] : [])))];
  if (keyIds.length === 0) return new Map();
  const owned = await transaction
    .select({ keyId: apiKeys.id, teamId: apiKeys.teamId })
    .from(apiKeys)
    .where(inArray(apiKeys.id, keyIds));
  const teamIds = [...new Set(owned.flatMap((row) => (row.teamId ? [row.teamId] : [])))].sort();
  if (teamIds.length === 0) return new Map();
  const present = await transaction.select({ id: teams.id }).from(teams).where(inArray(teams.id, teamIds)).orderBy(teams.id).for('key share');
  const alive = new Set(present.map((row) => row.id));
  return new Map(owned.flatMap((row) => (row.teamId && alive.has(row.teamId) ? [[row.keyId, row.teamId] as const] : [])));
}

/** Adds each team's spending to the month (UTC) each request started in; returns the teams charged. */
async function chargeTeams(transaction: Transaction, charges: Array<{ teamId: string | null; startedAt: string; costUsd: number }>): Promise<string[]> {
  const spending = new Map<string, { teamId: string; month: string; costUsd: number }>();
  for (const { teamId, startedAt, costUsd: cost } of charges) {
    if (teamId === null || cost <= 0) continue;
    const month = monthStart(new Date(startedAt));
    const id = `${teamId}\u0000${month}`;
    const entry = spending.get(id) ?? { teamId, month, costUsd: 0 };
    entry.costUsd += cost;
    spending.set(id, entry);
  }
  // Sorted for the same lock order in every replica.
  const rows = [...spending.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([, row]) => row);
  if (rows.length === 0) return [];
  await transaction
    .insert(teamSpend)
    .values(rows.map((row) => ({ teamId: row.teamId, month: row.month, spentUsd: moneyText(row.costUsd) })))
    .onConflictDoUpdate({ target: [teamSpend.teamId, teamSpend.month], set: { spentUsd: sql`${teamSpend.spentUsd} + excluded.spent_usd` } });
  return [...new Set(rows.map((row) => row.teamId))];
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

async function upsertRollup(transaction: Transaction, table: typeof usageHourly | typeof usageDaily, rows: Array<RollupRow & { teamId: string | null }>): Promise<void> {
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
