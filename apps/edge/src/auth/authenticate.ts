import type { KeyRecord } from '@corral/protocol';

export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** Why a key is refused; the edge renders each into the caller's dialect (all are 401 or 403). */
export const KeyRefusal = {
  InvalidApiKey: 'invalid_api_key',
  Revoked: 'revoked',
  Expired: 'expired',
  OverBudget: 'over_budget',
} as const;
export type KeyRefusal = (typeof KeyRefusal)[keyof typeof KeyRefusal];

export type KeyCheck = { ok: true; record: KeyRecord } | { ok: false; code: KeyRefusal };

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

/** Ollama treats `name` and `name:latest` as one model, so access lists do too. */
function canonicalModel(name: string): string {
  return name.endsWith(':latest') ? name.slice(0, -':latest'.length) : name;
}

/** An empty model list means every model. Applies to listings (/v1/models, /api/tags) as well. */
export function canUseModel(record: KeyRecord, alias: string): boolean {
  if (record.models.length === 0) return true;
  const wanted = canonicalModel(alias);
  return record.models.some((model) => canonicalModel(model) === wanted);
}
