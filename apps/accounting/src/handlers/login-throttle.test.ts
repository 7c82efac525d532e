import { describe, expect, it } from 'vitest';
import { MemoryThrottle, failuresAfterOneMore, lockoutRemainingSeconds } from './login-throttle.ts';

const now = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe('lockoutRemainingSeconds', () => {
  it.each([
    ['no failures', 0, null, 0],
    ['four fresh failures', 4, ago(0), 0],
    ['five failures just now', 5, ago(0), 60],
    ['five failures 45 s ago', 5, ago(45), 15],
    ['five failures 60 s ago', 5, ago(60), 0],
    ['six failures just now (doubled)', 6, ago(0), 120],
    ['eight failures just now', 8, ago(0), 480],
    ['nine failures just now (capped)', 9, ago(0), 900],
    ['a thousand failures just now (capped)', 1000, ago(0), 900],
    ['ten failures a day ago (forgotten)', 10, ago(86_400), 0],
  ])('%s → %i s', (_label, failures, lastFailureAt, expected) => {
    expect(lockoutRemainingSeconds({ failures, lastFailureAt }, now)).toBe(expected);
  });
});

describe('failuresAfterOneMore', () => {
  it('counts on from recent failures and starts afresh after a day', () => {
    expect(failuresAfterOneMore({ failures: 3, lastFailureAt: ago(10) }, now)).toBe(4);
    expect(failuresAfterOneMore({ failures: 3, lastFailureAt: ago(86_400) }, now)).toBe(1);
    expect(failuresAfterOneMore({ failures: 0, lastFailureAt: null }, now)).toBe(1);
  });
});

describe('MemoryThrottle', () => {
  it('locks a key after five failures, keeps other keys free, and takes back a forgiven failure', () => {
    const throttle = new MemoryThrottle();
    for (let failure = 0; failure < 4; failure += 1) throttle.recordFailure('10.0.0.1', now);
    expect(throttle.remainingSeconds('10.0.0.1', now)).toBe(0);
    throttle.recordFailure('10.0.0.1', now);
    expect(throttle.remainingSeconds('10.0.0.1', now)).toBe(60);
    expect(throttle.remainingSeconds('10.0.0.2', now)).toBe(0);
    throttle.forgiveOne('10.0.0.1');
    expect(throttle.remainingSeconds('10.0.0.1', now)).toBe(0);
  });
});
