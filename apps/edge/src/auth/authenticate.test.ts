import type { KeyRecord, TeamRecord } from '@corral/protocol';
import { describe, expect, it } from 'vitest';
import { canUseModel, checkKey, checkTeam, extractApiKey, teamSpentThisMonth } from './authenticate.ts';

const record: KeyRecord = {
  v: 1,
  id: '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
  name: 'ci',
  prefix: 'sk-corral-abcdef',
  models: [],
  rpm: null,
  tpm: null,
  budgetUsd: null,
  spentUsd: 0,
  expiresAt: null,
  revokedAt: null,
  metadata: {},
};
const now = Date.parse('2025-06-01T00:00:00Z');

describe('extractApiKey', () => {
  it.each([
    [{ authorization: 'Bearer sk-1' }, 'sk-1'],
    [{ authorization: 'bearer   sk-2 ' }, 'sk-2'],
    [{ authorization: ['Bearer sk-3', 'Bearer other'] }, 'sk-3'],
    [{ 'x-api-key': 'sk-4' }, 'sk-4'],
    [{ 'api-key': 'sk-5' }, 'sk-5'],
    [{ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': 'sk-6' }, 'sk-6'],
    [{ authorization: 'Bearer' }, undefined],
    [{ authorization: 'Bearer a b' }, undefined],
    [{ 'x-api-key': '  ' }, undefined],
    [{}, undefined],
  ])('%j → %s', (headers, expected) => {
    expect(extractApiKey(headers)).toBe(expected);
  });
});

describe('checkKey', () => {
  it.each([
    ['unknown', undefined, 'invalid_api_key'],
    ['revoked', { ...record, revokedAt: '2025-01-01T00:00:00Z' }, 'revoked'],
    ['expired', { ...record, expiresAt: '2025-06-01T00:00:00Z' }, 'expired'],
    ['over budget', { ...record, budgetUsd: 1, spentUsd: 1 }, 'over_budget'],
    ['revoked and expired', { ...record, revokedAt: '2025-01-01T00:00:00Z', expiresAt: '2025-01-01T00:00:00Z' }, 'revoked'],
  ])('refuses a %s key', (_label, candidate, code) => {
    expect(checkKey(candidate as KeyRecord | undefined, now)).toEqual({ ok: false, code });
  });

  it.each([
    ['plain', record],
    ['not yet expired', { ...record, expiresAt: '2025-06-01T00:00:01Z' }],
    ['under budget', { ...record, budgetUsd: 1, spentUsd: 0.99 }],
    ['budgeted without spending yet', { ...record, budgetUsd: 1, spentUsd: undefined }],
  ])('accepts a %s key', (_label, candidate) => {
    expect(checkKey(candidate, new Date(now))).toEqual({ ok: true, record: candidate });
  });
});

describe('canUseModel', () => {
  it('allows every model with an empty list', () => {
    expect(canUseModel(record, 'anything')).toBe(true);
  });

  it('allows only listed models, treating :latest as the bare name', () => {
    const limited = { ...record, models: ['fast', 'llama3.2:latest'] };
    expect(canUseModel(limited, 'fast')).toBe(true);
    expect(canUseModel(limited, 'fast:latest')).toBe(true);
    expect(canUseModel(limited, 'llama3.2')).toBe(true);
    expect(canUseModel(limited, 'llama3.2:1b')).toBe(false);
    expect(canUseModel(limited, 'slow')).toBe(false);
  });
});

describe('checkTeam', () => {
  const team: TeamRecord = { v: 1, id: '7a1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', name: 'research', models: [], rpm: null, tpm: null, monthlyBudgetUsd: 10, month: '2025-06', spentUsd: 4 };
  const member = { ...record, teamId: team.id };
  const teams = new Map([[team.id, team]]);

  it('lets a key without a team through without looking anything up', () => {
    expect(checkTeam(record, () => undefined, now)).toEqual({ ok: true, team: undefined });
  });

  it('refuses a key whose team is not known, rather than letting it through unbounded', () => {
    expect(checkTeam(member, () => undefined, now)).toEqual({ ok: false, code: 'team_unknown' });
  });

  it.each([
    ['under budget this month', team, true],
    ['spent this month', { ...team, spentUsd: 10 }, false],
    ['spent in an earlier month (counts as nothing now)', { ...team, month: '2025-05', spentUsd: 99 }, true],
    ['unlimited', { ...team, monthlyBudgetUsd: null, spentUsd: 1e9 }, true],
  ])('a team %s', (_label, candidate, accepted) => {
    const result = checkTeam(member, (id) => (id === team.id ? candidate : teams.get(id)), now);
    expect(result).toEqual(accepted ? { ok: true, team: candidate } : { ok: false, code: 'team_over_budget' });
  });

  it('counts spend by the UTC month', () => {
    expect(teamSpentThisMonth(team, Date.parse('2025-06-30T23:59:59Z'))).toBe(4);
    expect(teamSpentThisMonth(team, Date.parse('2025-07-01T00:00:00Z'))).toBe(0);
  });

  it('applies a team model list like a key one', () => {
    expect(canUseModel({ ...team, models: ['fast'] }, 'fast:latest')).toBe(true);
    expect(canUseModel({ ...team, models: ['fast'] }, 'slow')).toBe(false);
  });
});
