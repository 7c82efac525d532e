import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';

describe('RateLimiter', () => {
  const key = (id: string, rpm: number | null, tpm: number | null = null) => ({ id, rpm, tpm });

  it('shares a team limit between keys and names the limit that refused', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(() => now);
    const team = key('team:t', 2);
    expect(limiter.admit([key('a', null), team])).toBeUndefined();
    expect(limiter.admit([key('b', null), team])).toBeUndefined();
    expect(limiter.admit([key('a', null), team])).toEqual({ limit: team, retryAfterSeconds: 60 });
    now += 60_001;
    expect(limiter.admit([key('b', null), team])).toBeUndefined();
  });

  it('counts a refused request against no limit', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const own = key('a', 2);
    const team = key('team:t', 1);
    expect(limiter.admit([own, team])).toBeUndefined();
    expect(limiter.admit([own, team])?.limit).toBe(team);
    expect(limiter.admit([own, team])?.limit).toBe(team);
    // Without the team's bound, the key still has one of its two requests left.
    now += 1;
    expect(limiter.admit([own])).toBeUndefined();
    expect(limiter.admit([own])?.limit).toBe(own);
  });

  it('refuses once the tokens of the minute reach a TPM', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const team = key('team:t', null, 100);
    expect(limiter.admit([team])).toBeUndefined();
    limiter.spend(team.id, 100);
    now += 30_000;
    expect(limiter.admit([team])).toEqual({ limit: team, retryAfterSeconds: 30 });
    now += 30_001;
    expect(limiter.admit([team])).toBeUndefined();
  });
});
