import type { KeyRecord, TeamRecord } from '@corral/protocol';
import { canUseModel, checkKey, checkTeam, extractApiKey, KeyRefusal, type IncomingHeaders } from '../auth/authenticate.ts';
import type { KeyTable } from '../auth/key-table.ts';
import type { TeamTable } from '../auth/team-table.ts';
import { FailureKind, HttpError } from '../errors/http-error.ts';

/** Who is calling: a key (and its team, if it has one), or nobody when the edge runs without auth. */
export interface Caller {
  readonly key: KeyRecord | undefined;
  readonly team: TeamRecord | undefined;
  mayUse(model: string): boolean;
}

/** The replicated tables authentication reads; both absent only when AUTH_DISABLED. */
export interface Directory {
  readonly keys: KeyTable | undefined;
  readonly teams: TeamTable | undefined;
}

const ANONYMOUS: Caller = { key: undefined, team: undefined, mayUse: () => true };

const REFUSAL_MESSAGES: Record<KeyRefusal, string> = {
  [KeyRefusal.InvalidApiKey]: 'Incorrect API key provided.',
  [KeyRefusal.Revoked]: 'This API key has been revoked.',
  [KeyRefusal.Expired]: 'This API key has expired.',
  [KeyRefusal.OverBudget]: 'You exceeded your current quota (the budget of this API key is spent).',
  [KeyRefusal.TeamUnknown]: "This API key cannot be used: the key's team is not known.",
  [KeyRefusal.TeamOverBudget]: "You exceeded your current quota (this month's budget of the API key's team is spent).",
};

function refuse(code: KeyRefusal): never {
  if (code === KeyRefusal.OverBudget || code === KeyRefusal.TeamOverBudget) {
    throw new HttpError(429, FailureKind.RateLimit, REFUSAL_MESSAGES[code], { code: 'insufficient_quota' });
  }
  if (code === KeyRefusal.TeamUnknown) throw new HttpError(403, FailureKind.Permission, REFUSAL_MESSAGES[code], { code: 'team_unknown' });
  throw new HttpError(401, FailureKind.Authentication, REFUSAL_MESSAGES[code], { code: 'invalid_api_key' });
}

/**
 * The caller behind a key known by id (a batch line runs as the key that created its batch), checked
 * now as a presented key would be: revoked, expired or over budget refuses it the same way.
 */
export function identifyKey(directory: Directory, keyId: string): Caller {
  const { keys, teams } = directory;
  if (!keys) return ANONYMOUS;
  const now = Date.now();
  const check = checkKey(keys.byId(keyId), now);
  if (!check.ok) refuse(check.code);
  return callerOf(check.record, teams, now, true);
}

function callerOf(record: KeyRecord, teams: TeamTable | undefined, now: number, spending: boolean): Caller {
  // Without a team table every team is unknown: a key of a team is refused, never let through unbounded.
  const teamCheck = checkTeam(record, (id) => teams?.lookup(id), now);
  if (!teamCheck.ok && !(!spending && teamCheck.code === KeyRefusal.TeamOverBudget)) refuse(teamCheck.code);
  const team = teamCheck.ok ? teamCheck.team : teams?.lookup(record.teamId!);
  return { key: record, team, mayUse: (model) => canUseModel(record, model) && (team === undefined || canUseModel(team, model)) };
}

export interface IdentifyOptions {
  /**
   * Whether the request spends (runs models). A key whose budget is spent may still read and manage
   * what it owns — its batches, their output files — it only may not spend more. Default: true.
   */
  spending?: boolean;
}

function isBudgetRefusal(code: KeyRefusal): boolean {
  return code === KeyRefusal.OverBudget || code === KeyRefusal.TeamOverBudget;
}

/** Authenticates from the in-memory key and team tables: no network round trip on the request path. */
export function identifyCaller(directory: Directory, headers: IncomingHeaders, options: IdentifyOptions = {}): Caller {
  const { keys, teams } = directory;
  if (!keys) return ANONYMOUS;
  const presented = extractApiKey(headers);
  if (!presented) {
    throw new HttpError(401, FailureKind.Authentication, "You didn't provide an API key. Provide it in the Authorization header (Bearer auth) or x-api-key.", {
      code: 'missing_api_key',
    });
  }
  const now = Date.now();
  const record = keys.lookup(presented);
  const check = checkKey(record, now);
  if (!check.ok && !(options.spending === false && isBudgetRefusal(check.code))) refuse(check.code);
  return callerOf(record!, teams, now, options.spending ?? true);
}
