import { describe, expect, it } from 'vitest';
import { usageEvent } from '@corral/protocol/testing';
import { costUsd, moneyText } from './cost.ts';
import { isPermanentDataError } from './failures.ts';
import { dayStart, hourStart } from './periods.ts';
import { rollUp, rollUpTeams } from './rollup.ts';
import { latencyBucket } from '@corral/db';

const KEY = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
const TEAM = '0b1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';

describe('rollUp', () => {
  it('sums per key, alias and period, counting only errors as errors, in a stable order', () => {
    const rows = rollUp(
      [
        { event: usageEvent('a', { keyId: KEY, startedAt: '2025-03-01T10:59:59.999Z' }), costUsd: 0.5 },
        { event: usageEvent('b', { keyId: KEY, status: 'error', startedAt: '2025-03-01T10:00:00.000Z' }), costUsd: 0.25 },
        { event: usageEvent('c', { keyId: KEY, status: 'cancelled', startedAt: '2025-03-01T11:00:00.000Z' }), costUsd: 0 },
        { event: usageEvent('d', { keyId: null, alias: 'other' }), costUsd: 0 },
      ],
      hourStart,
    );
    const counters = rows.map(({ keyId, model, bucketStart, requests, errors, promptTokens, completionTokens, costUsd }) => ({ keyId, model, bucketStart, requests, errors, promptTokens, completionTokens, costUsd }));
    expect(counters).toEqual([
      { keyId: null, model: 'other', bucketStart: new Date('2025-03-01T10:00:00Z'), requests: 1, errors: 0, promptTokens: 10, completionTokens: 20, costUsd: 0 },
      { keyId: KEY, model: 'fast', bucketStart: new Date('2025-03-01T10:00:00Z'), requests: 2, errors: 1, promptTokens: 20, completionTokens: 40, costUsd: 0.75 },
      { keyId: KEY, model: 'fast', bucketStart: new Date('2025-03-01T11:00:00Z'), requests: 1, errors: 0, promptTokens: 10, completionTokens: 20, costUsd: 0 },
    ]);
  });

  it('sums GPU time and latencies, and counts TTFT only for requests that had a first token', () => {
    const [row] = rollUp(
      [
        { event: usageEvent('a', { ttftMs: 12.5, durationMs: 250, loadDurationNs: 1, promptEvalDurationNs: 2, evalDurationNs: 3 }), costUsd: 0 },
        { event: usageEvent('b', { ttftMs: 13, durationMs: 251, loadDurationNs: undefined, promptEvalDurationNs: 20, evalDurationNs: 30 }), costUsd: 0 },
        { event: usageEvent('c', { ttftMs: undefined, durationMs: 4000, loadDurationNs: undefined, promptEvalDurationNs: undefined, evalDurationNs: undefined }), costUsd: 0 },
      ],
      hourStart,
    );
    expect(row!.gpuNs).toBe(56);
    expect(row!.durationMsSum).toBe(4501);
    expect(row!.ttftMsSum).toBe(25.5);
    expect(row!.ttftHistogram).toEqual(new Map([[latencyBucket(12.5), 2]]));
    expect(row!.durationHistogram).toEqual(new Map([[latencyBucket(250), 2], [latencyBucket(4000), 1]]));
  });
});

describe('rollUpTeams', () => {
  it('sums key rows per team and period, histograms bucket by bucket', () => {
    const hour = new Date('2025-03-01T10:00:00Z');
    const rows = rollUp(
      [
        { event: usageEvent('a', { keyId: KEY, durationMs: 250 }), costUsd: 1 },
        { event: usageEvent('b', { keyId: KEY, alias: 'other', durationMs: 250 }), costUsd: 2 },
        { event: usageEvent('c', { keyId: null, durationMs: 9 }), costUsd: 0 },
      ],
      hourStart,
    ).map((row) => ({ ...row, teamId: row.keyId === KEY ? TEAM : null }));
    const teams = rollUpTeams(rows);
    expect(teams.map(({ teamId, bucketStart, requests, costUsd }) => ({ teamId, bucketStart, requests, costUsd }))).toEqual([
      { teamId: null, bucketStart: hour, requests: 1, costUsd: 0 },
      { teamId: TEAM, bucketStart: hour, requests: 2, costUsd: 3 },
    ]);
    expect(teams[1]!.durationHistogram).toEqual(new Map([[latencyBucket(250), 2]]));
  });
});

describe('periods', () => {
  it('start at UTC hour and day boundaries', () => {
    expect(hourStart(new Date('2025-03-01T23:59:59.999+02:00')).toISOString()).toBe('2025-03-01T21:00:00.000Z');
    expect(dayStart(new Date('2025-03-01T23:59:59.999+02:00')).toISOString()).toBe('2025-03-01T00:00:00.000Z');
  });
});

describe('cost', () => {
  it('prices tokens per million and treats unknown prices as free', () => {
    expect(costUsd(1_000_000, 500_000, { inputPricePerMTok: 2, outputPricePerMTok: 8 })).toBe(6);
    expect(costUsd(1000, 1000, { inputPricePerMTok: null, outputPricePerMTok: 1 })).toBe(0.001);
    expect(costUsd(1000, 1000, undefined)).toBe(0);
    expect(moneyText(1e-7)).toBe('0.0000001000');
  });
});

describe('isPermanentDataError', () => {
  it.each([
    [{ code: '22003' }, true],
    [{ code: '23502' }, true],
    [{ code: '57P01' }, false],
    [{ code: 'ECONNREFUSED' }, false],
    [new Error('x', { cause: { code: '22P02' } }), true],
    [new Error('plain'), false],
  ])('%j → %s', (error, expected) => {
    expect(isPermanentDataError(error)).toBe(expected);
  });
});
