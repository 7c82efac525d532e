import type { KeyRecord, TeamRecord } from '@corral/protocol';

export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** Why a key is refused; the edge renders each into the caller's dialect (401, 403, or 429 for a spent budget). */
export const KeyRefusal = {
  InvalidApiKey: 'invalid_api_key',
  Revoked: 'revoked',
  Expired: 'expired',
  OverBudget: 'over_budget',
  /** The key names a team this edge has no record of: refused rather than let through unbounded. */
  TeamUnknown: 'team_unknown',
  TeamOverBudget: 'team_over_budget',
} as const;
export type KeyRefusal = (typeof KeyRefusal)[keyof typeof KeyRefusal];

export type KeyCheck = { ok: true; record: KeyRecord } | { ok: false; code: KeyRefusal };
export type TeamCheck = { ok: true; team: TeamRecord | undefined } | { ok: false; code: KeyRefusal };

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The key a client presented: `Authorization: Bearer` (OpenAI, Ollama clients), `x-api-key`
 * (Anthropic) or `api-key` (Azure-style OpenAI clients). Header names are lower-case, as Node
 * delivers them.
 */
export function extractApiKey(headers: IncomingHeaders): string | undefined {
  const authorization = first(headers.authorization)?.trim();
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match?.[1]) return match[1];
  }
  for (const name of ['x-api-key', 'api-key']) {
    const value = first(headers[name])?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Whether a key may be used at `now`; unknown keys (undefined) are invalid. */
export function checkKey(record: KeyRecord | undefined, now: Date | number = Date.now()): KeyCheck {
  if (!record) return { ok: false, code: KeyRefusal.InvalidApiKey };
  if (record.revokedAt !== null) return { ok: false, code: KeyRefusal.Revoked };
  const time = typeof now === 'number' ? now : now.getTime();
  if (record.expiresAt !== null && Date.parse(record.expiresAt) <= time) return { ok: false, code: KeyRefusal.Expired };
  if (record.budgetUsd !== null && (record.spentUsd ?? 0) >= record.budgetUsd) return { ok: false, code: KeyRefusal.OverBudget };
  return { ok: true, record };
}

/** What a team spent in the UTC month of `now`: a record of an earlier month means nothing yet. */
export function teamSpentThisMonth(team: TeamRecord, now: Date | number = Date.now()): number {
  const month = new Date(now).toISOString().slice(0, 7);
  return team.month === month ? team.spentUsd : 0;
}

/** Whether the team of an accepted key lets it through at `now` (a key without a team always does). */
export function checkTeam(record: KeyRecord, lookup: (id: string) => TeamRecord | undefined, now: Date | number = Date.now()): TeamCheck {
  if (!record.teamId) return { ok: true, team: undefined };
  const team = lookup(record.teamId);
  if (!team) return { ok: false, code: KeyRefusal.TeamUnknown };
  if (team.monthlyBudgetUsd !== null && teamSpentThisMonth(team, now) >= team.monthlyBudgetUsd) return { ok: false, code: KeyRefusal.TeamOverBudget };
  return { ok: true, team };
}

/** Ollama treats `name` and `name:latest` as one model, so access lists do too. */
function canonicalModel(name: string): string {
  return name.endsWith(':latest') ? name.slice(0, -':latest'.length) : name;
}

/**
 * An empty model list means every model. Applies to listings (/v1/models, /api/tags) as well, to a
 * key's list and to its team's alike (a model must pass both).
 */
export function canUseModel(record: { models: readonly string[] }, alias: string): boolean {
  if (record.models.length === 0) return true;
  const wanted = canonicalModel(alias);
  return record.models.some((model) => canonicalModel(model) === wanted);
}
