import { describe, expect, it } from 'vitest';
import { retryBackoff } from './retry.ts';

describe('retryBackoff', () => {
  it.each([
    [0, 100],
    [1, 200],
    [4, 1600],
    [6, 5000],
    [50, 5000],
  ])('waits about %i → %i ms, jittered by at most half', (attempt, around) => {
    for (let sample = 0; sample < 50; sample++) {
      const wait = retryBackoff.backoff(attempt);
      expect(wait).toBeGreaterThanOrEqual(around / 2);
      expect(wait).toBeLessThanOrEqual(around * 1.5);
    }
  });
});
