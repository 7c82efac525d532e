import { describe, expect, it } from 'vitest';
import { encodeCursor } from '@corral/analytics';
import { parseLogParams, utcInstant } from './log-params.ts';

describe('parseLogParams', () => {
  it('reads datetime-local values as UTC', () => {
    expect(utcInstant('2025-03-07T14:30')).toBe('2025-03-07T14:30Z');
    const result = parseLogParams({ from: '2025-03-07T14:30', to: '2025-03-08T00:00' }, 50);
    expect(result.ok && new Date(result.query.from as string).toISOString()).toBe('2025-03-07T14:30:00.000Z');
  });

  it('passes the URL names through to the query fields', () => {
    const team = '0b0f4c3e-8d5a-4d1e-9a53-3f7f3c1a2b4c';
    const after = encodeCursor({ startedAt: '2025-03-07 14:30:05.123456+00', id: '42' });
    const result = parseLogParams({ team, model: 'llama3.2', status: 'error', after }, 50);
    expect(result.ok && result.query).toMatchObject({ teamId: team, model: 'llama3.2', status: 'error', after, limit: 50 });
  });

  it.each([
    [{ team: 'not-a-uuid' }, /^team: /],
    [{ status: 'teapot' }, /^status: /],
    [{ after: 'bm90IGEgY3Vyc29y' }, /^after: not a request-log cursor/],
    [{ from: 'last tuesday' }, /^`from` must be a date and time/],
    [{ from: '2025-03-08T00:00', to: '2025-03-07T00:00' }, /^`from` must be before `to`$/],
  ])('refuses %j naming the URL param', (params, message) => {
    const result = parseLogParams(params, 50);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('refuses both directions at once', () => {
    const cursor = encodeCursor({ startedAt: '2025-03-07 14:30:05+00', id: '1' });
    const result = parseLogParams({ after: cursor, before: cursor }, 50);
    expect(!result.ok && result.message).toBe('before: give `after` or `before`, not both');
  });
});
