import { describe, expect, it } from 'vitest';
import { parseUsageQuery, usageCsvFileName, usageSearch } from './usage-query.ts';

const now = new Date('2025-03-30T15:20:00Z');

describe('parseUsageQuery', () => {
  it('defaults to the last 30 whole UTC days by model, per day', () => {
    const result = parseUsageQuery({}, now);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.form).toEqual({ from: '2025-03-01', to: '2025-03-30', group: 'model', granularity: 'day' });
    expect(result.query.from.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    // `to` is inclusive on the form: the query ends at the next midnight.
    expect(result.query.to.toISOString()).toBe('2025-03-31T00:00:00.000Z');
  });

  it('defaults hourly to the last 2 days and keeps the chosen group', () => {
    const result = parseUsageQuery({ granularity: 'hour', group: 'key', to: '2025-02-10' }, now);
    expect(result.ok && result.form).toEqual({ from: '2025-02-09', to: '2025-02-10', group: 'key', granularity: 'hour' });
  });

  it('accepts a single day', () => {
    const result = parseUsageQuery({ from: '2025-03-05', to: '2025-03-05' }, now);
    expect(result.ok && [result.query.from.toISOString(), result.query.to.toISOString()]).toEqual(['2025-03-05T00:00:00.000Z', '2025-03-06T00:00:00.000Z']);
  });

  it.each([
    [{ from: '2025-03-10', to: '2025-03-01' }, '`from` (2025-03-10) is after `to` (2025-03-01)'],
    [{ from: '2025-02-30' }, '`from` must be a date (YYYY-MM-DD), not "2025-02-30"'],
    [{ to: 'yesterday' }, '`to` must be a date (YYYY-MM-DD), not "yesterday"'],
    [{ group: 'user' }, '`group` is team, key or model'],
    [{ granularity: 'minute' }, '`granularity` is day or hour'],
    [{ granularity: 'hour', from: '2025-01-01', to: '2025-03-01' }, 'the range is too long for that granularity (hourly: 14 days at most; daily: 400 days)'],
  ])('refuses %j with a sentence', (params, message) => {
    const result = parseUsageQuery(params, now);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toBe(message);
  });

  it('keeps what was typed on the form when refusing it', () => {
    const result = parseUsageQuery({ from: '2025-03-10', to: '2025-03-01', group: 'team' }, now);
    expect(result.form).toEqual({ from: '2025-03-10', to: '2025-03-01', group: 'team', granularity: 'day' });
  });
});

describe('usage links', () => {
  const form = { from: '2025-03-20', to: '2025-03-30', group: 'team', granularity: 'hour' } as const;

  it('names the CSV after what it holds', () => {
    expect(usageCsvFileName(form)).toBe('corral-usage-team-hourly-2025-03-20-2025-03-30.csv');
    expect(usageCsvFileName({ ...form, granularity: 'day' })).toBe('corral-usage-team-daily-2025-03-20-2025-03-30.csv');
  });

  it('round-trips the form through the search params', () => {
    const params = Object.fromEntries(new URLSearchParams(usageSearch(form)));
    const result = parseUsageQuery(params, now);
    expect(result.ok && result.form).toEqual(form);
  });
});
