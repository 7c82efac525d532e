import { describe, expect, it } from 'vitest';
import { IdleScavenger, newSpace, youngCollector, type YoungGeneration } from './idle-scavenger.ts';

/** A young generation the test fills and empties by hand; `collect` empties it down to `survivors`. */
function fakeHeap(capacity: number) {
  const heap = { used: 0, survivors: 0, waiting: false, collections: 0 };
  const scavenger = new IdleScavenger({
    usersWaiting: () => heap.waiting,
    young: (): YoungGeneration => ({ used: heap.used, capacity }),
    collect: () => {
      heap.collections++;
      heap.used = heap.survivors;
    },
  });
  return { heap, scavenger };
}

describe('IdleScavenger', () => {
  it('collects once the young generation is a fifth full, and not before', () => {
    const { heap, scavenger } = fakeHeap(1000);
    heap.used = 199;
    expect(scavenger.poke()).toBe(false);
    heap.used = 200;
    expect(scavenger.poke()).toBe(true);
    expect(heap.collections).toBe(1);
  });

  it('never collects while a user waits for a first output, and does as soon as none does', () => {
    const { heap, scavenger } = fakeHeap(1000);
    heap.used = 900;
    heap.waiting = true;
    expect(scavenger.poke()).toBe(false);
    expect(scavenger.poke()).toBe(false);
    expect(heap.collections).toBe(0);
    heap.waiting = false;
    expect(scavenger.poke()).toBe(true);
    expect(heap.collections).toBe(1);
  });

  it('waits for a tenth of the young generation to be allocated after its collection: survivors over a fifth do not make it collect on every poke', () => {
    const { heap, scavenger } = fakeHeap(1000);
    heap.survivors = 250;
    heap.used = 300;
    expect(scavenger.poke()).toBe(true);
    expect(heap.used).toBe(250);
    heap.used = 349;
    expect(scavenger.poke()).toBe(false);
    heap.used = 350;
    expect(scavenger.poke()).toBe(true);
    expect(heap.collections).toBe(2);
  });

  it("notices V8's own collections: after one, it counts from what that one left", () => {
    const { heap, scavenger } = fakeHeap(1000);
    heap.used = 190;
    expect(scavenger.poke()).toBe(false);
    // V8 collected between two pokes, leaving 180 in use (survivors).
    heap.used = 180;
    expect(scavenger.poke()).toBe(false);
    heap.used = 279;
    expect(scavenger.poke()).toBe(false);
    heap.used = 280;
    expect(scavenger.poke()).toBe(true);
  });

  it("runs V8's own scavenge: garbage just allocated is gone from the young generation afterwards", () => {
    const collect = youngCollector();
    expect(collect).toBeTypeOf('function');
    collect!();
    let kept = 0;
    for (let index = 0; index < 20_000; index++) kept += { index, text: `line ${index}` }.text.length;
    const before = newSpace();
    collect!();
    expect(kept).toBeGreaterThan(0);
    expect(before.capacity).toBeLessThan(Number.POSITIVE_INFINITY);
    expect(newSpace().used).toBeLessThan(before.used);
  });
});
