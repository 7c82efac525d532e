import type { apiKeys, models } from '@corral/db';
import { PROTOCOL_VERSION, type KeyInfo, type KeyRecord, type ModelConfig, type TeamInfo, type TeamRecord } from '@corral/protocol';
import type { TeamState } from './team-state.ts';
import { monthOf } from './usage/periods.ts';

type KeyRow = typeof apiKeys.$inferSelect;
type ModelRow = typeof models.$inferSelect;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
const money = (value: string | null): number | null => (value === null ? null : Number(value));

/** A key as operators see it: no hash, no plaintext. */
export function keyInfoFromRow(row: KeyRow): KeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    models: row.models,
    rpm: row.rpm,
    tpm: row.tpm,
    budgetUsd: money(row.budgetUsd),
    spentUsd: Number(row.spentUsd),
    createdAt: row.createdAt.toISOString(),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    teamId: row.teamId,
    metadata: row.metadata,
  };
}

/** A key as the edges hold it (stored in KV under its hash). */
export function keyRecordFromRow(row: KeyRow): KeyRecord {
  return {
    v: PROTOCOL_VERSION,
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    models: row.models,
    rpm: row.rpm,
    tpm: row.tpm,
    budgetUsd: money(row.budgetUsd),
    spentUsd: Number(row.spentUsd),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    teamId: row.teamId,
    metadata: row.metadata,
  };
}

export function modelConfigFromRow(row: ModelRow): ModelConfig {
  return {
    v: PROTOCOL_VERSION,
    alias: row.alias,
    target: row.target,
    options: row.options,
    think: row.think ?? null,
    keepAlive: row.keepAlive ?? null,
    requestTimeoutMs: row.requestTimeoutMs,
    excludeReasoning: row.excludeReasoning,
    inputPricePerMTok: money(row.inputPricePerMTok),
    outputPricePerMTok: money(row.outputPricePerMTok),
    visible: row.visible,
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What a team is set to, the same for operators and for the edges. */
function teamSettings({ row }: TeamState) {
  return { id: row.id, name: row.name, models: row.models, rpm: row.rpm, tpm: row.tpm, monthlyBudgetUsd: money(row.monthlyBudgetUsd) };
}

export function teamInfoFromState(state: TeamState): TeamInfo {
  const { row } = state;
  return {
    ...teamSettings(state),
    spentThisMonthUsd: state.spentThisMonthUsd,
    activeKeys: state.activeKeys,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A team as the edges hold it (stored in KV under its id); `now` names the month its spend is for. */
export function teamRecordFromState(state: TeamState, now: Date = new Date()): TeamRecord {
  return {
    v: PROTOCOL_VERSION,
    ...teamSettings(state),
    month: monthOf(now),
    spentUsd: state.spentThisMonthUsd,
  };
}
