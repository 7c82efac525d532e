import { describe, expect, it } from 'vitest';
import { batchProgress, isActiveBatch, isCancellable, timeSpan } from './batch-view.ts';

describe('batchProgress', () => {
  it('splits the bar into completed and failed shares and rounds the percent down', () => {
    expect(batchProgress({ total: 1_000, completed: 390, failed: 10 })).toEqual({ done: 400, completedShare: 39, failedShare: 1, percent: 40 });
    expect(batchProgress({ total: 3, completed: 2, failed: 0 }).percent).toBe(66);
    expect(batchProgress({ total: 1_000, completed: 999, failed: 0 }).percent).toBe(99);
  });

  it('shows an empty bar while the total is not known (validating)', () => {
    expect(batchProgress({ total: 0, completed: 0, failed: 0 })).toEqual({ done: 0, completedShare: 0, failedShare: 0, percent: 0 });
  });
});

describe('batch states', () => {
  it('keeps refreshing until a batch has ended', () => {
    expect(['validating', 'in_progress', 'finalizing', 'cancelling'].map((status) => isActiveBatch({ status: status as never }))).toEqual([true, true, true, true]);
    expect(['completed', 'failed', 'expired', 'cancelled'].map((status) => isActiveBatch({ status: status as never }))).toEqual([false, false, false, false]);
  });

  it('offers cancel only while lines are still to start', () => {
    expect(isCancellable({ status: 'in_progress', stop: null })).toBe(true);
    expect(isCancellable({ status: 'validating', stop: null })).toBe(true);
    expect(isCancellable({ status: 'in_progress', stop: 'expired' })).toBe(false);
    expect(isCancellable({ status: 'finalizing', stop: null })).toBe(false);
    expect(isCancellable({ status: 'cancelling', stop: 'cancelled' })).toBe(false);
  });
});

describe('timeSpan', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [3_599, '59 min'],
    [86_399, '23 h'],
    [172_799, '47 h'],
    [172_800, '2 d'],
  ])('%i s reads %s', (seconds, text) => {
    expect(timeSpan(seconds)).toBe(text);
  });
});
