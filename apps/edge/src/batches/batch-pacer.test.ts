import { describe, expect, it } from 'vitest';
import { BatchPacer } from './batch-pacer.ts';

/** A clock that only moves when told: pauses advance it instead of waiting. */
function fakeClock() {
  const clock = { at: 1000, pauses: [] as number[] };
  return {
    clock,
    now: () => clock.at,
    sleep: async (ms: number) => {
      clock.pauses.push(ms);
      clock.at += ms;
    },
  };
}

describe('BatchPacer', () => {
  it('never pauses batch work while no user is being served, however much of the loop it takes', () => {
    const { now } = fakeClock();
    const pacer = new BatchPacer({ duty: 0.25, burstMs: 2, interactiveNearby: () => false, now });
    for (let slice = 0; slice < 100; slice++) expect(pacer.charge(5)).toBe(0);
  });

  it.each([
    { duty: 0.25, burstMs: 2, work: [1, 1, 1, 1], pauses: [0, 0, 4, 4] },
    { duty: 0.5, burstMs: 2, work: [3, 1], pauses: [2, 2] },
    { duty: 0.1, burstMs: 0, work: [1, 2], pauses: [10, 20] },
    // A share of 0 still lets batch work through, at the least share of the loop (5 %).
    { duty: 0, burstMs: 0, work: [1, 1], pauses: [20, 20] },
  ])('beside users with duty $duty and a $burstMs ms burst, slices of $work ms pause $pauses ms', ({ duty, burstMs, work, pauses }) => {
    const { clock, now } = fakeClock();
    const pacer = new BatchPacer({ duty, burstMs, interactiveNearby: () => true, now });
    const seen = work.map((ms) => {
      const pause = pacer.charge(ms);
      // The pause is taken before the next slice: the clock moves on by it.
      clock.at += pause;
      return pause;
    });
    expect(seen).toEqual(pauses);
  });

  it('holds batch work to its duty over time, and lets it run freely again once users are gone', () => {
    const { clock, now } = fakeClock();
    let users = true;
    const pacer = new BatchPacer({ duty: 0.25, burstMs: 2, interactiveNearby: () => users, now });
    const startedAt = clock.at;
    let worked = 0;
    for (let slice = 0; slice < 200; slice++) {
      clock.at += 1;
      worked += 1;
      clock.at += pacer.charge(1);
    }
    const share = worked / (clock.at - startedAt);
    expect(share).toBeLessThanOrEqual(0.26);
    expect(share).toBeGreaterThan(0.24);
    users = false;
    expect(pacer.charge(50)).toBe(0);
  });

  it('charges time once when slices of several units interleave, and pauses each of them', async () => {
    const { clock, now } = fakeClock();
    // Both wait at once: recorded, without moving the clock.
    const sleep = async (ms: number) => void clock.pauses.push(ms);
    const pacer = new BatchPacer({ duty: 0.5, burstMs: 0, interactiveNearby: () => true, now, sleep });
    // Two slices that began together and ran in the same 4 ms: 4 ms of work, not 8.
    const first = pacer.sliceStart();
    const second = pacer.sliceStart();
    clock.at += 4;
    await Promise.all([pacer.turn(first), pacer.turn(second)]);
    expect(clock.pauses).toEqual([8, 8]);
  });

  it('runs its between-slices hook once per turn, after the loop turned and before the next slice is charged', async () => {
    const { clock, now, sleep } = fakeClock();
    const order: string[] = [];
    const pacer = new BatchPacer({ duty: 1, burstMs: 0, interactiveNearby: () => true, now, sleep, betweenSlices: () => order.push(`between at ${clock.at}`) });
    let startedAt = pacer.sliceStart();
    for (let slice = 0; slice < 3; slice++) {
      clock.at += 1;
      order.push(`slice ${slice}`);
      startedAt = await pacer.turn(startedAt);
    }
    expect(order).toEqual(['slice 0', 'between at 1001', 'slice 1', 'between at 1002', 'slice 2', 'between at 1003']);
  });
});
