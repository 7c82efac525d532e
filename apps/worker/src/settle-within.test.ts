import { describe, expect, it } from 'vitest';
import { settleWithin } from './settle-within.ts';

describe('settleWithin', () => {
  it('gives the value of a promise that settles in time', async () => {
    await expect(settleWithin(Promise.resolve('ready'), 60_000)).resolves.toBe('ready');
  });

  it('gives undefined for a promise that has not settled by the timeout', async () => {
    await expect(settleWithin(new Promise<string>(() => undefined), 1)).resolves.toBeUndefined();
  });

  it('passes on the failure of a promise that rejects in time', async () => {
    await expect(settleWithin(Promise.reject(new Error('inventory down')), 60_000)).rejects.toThrow('inventory down');
  });
});
