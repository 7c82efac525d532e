import type { KeyRecord } from '@corral/protocol';
import { canUseModel, checkKey, extractApiKey, KeyRefusal, type IncomingHeaders } from '../auth/authenticate.ts';
import type { KeyTable } from '../auth/key-table.ts';
import { FailureKind, HttpError } from '../errors/http-error.ts';

/** Who is calling: a key, or nobody when the edge runs without auth. */
export interface Caller {
  readonly key: KeyRecord | undefined;
  mayUse(model: string): boolean;
}

const ANONYMOUS: Caller = { key: undefined, mayUse: () => true };

const REFUSAL_MESSAGES: Record<KeyRefusal, string> = {
  [KeyRefusal.InvalidApiKey]: 'Incorrect API key provided.',
  [KeyRefusal.Revoked]: 'This API key has been revoked.',
  [KeyRefusal.Expired]: 'This API key has expired.',
  [KeyRefusal.OverBudget]: 'You exceeded your current quota (the budget of this API key is spent).',
};

/** Authenticates from the in-memory key table: no network round trip on the request path. */
export function identifyCaller(keys: KeyTable | undefined, headers: IncomingHeaders): Caller {
  if (!keys) return ANONYMOUS;
  const presented = extractApiKey(headers);
  if (!presented) {
    throw new HttpError(401, FailureKind.Authentication, "You didn't provide an API key. Provide it in the Authorization header (Bearer auth) or x-api-key.", {
      code: 'missing_api_key',
    });
  }
  const check = checkKey(keys.lookup(presented));
  if (!check.ok) {
    if (check.code === KeyRefusal.OverBudget) throw new HttpError(429, FailureKind.RateLimit, REFUSAL_MESSAGES[check.code], { code: 'insufficient_quota' });
    throw new HttpError(401, FailureKind.Authentication, REFUSAL_MESSAGES[check.code], { code: 'invalid_api_key' });
  }
  const record = check.record;
  return { key: record, mayUse: (model) => canUseModel(record, model) };
}
