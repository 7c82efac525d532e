import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { InteractiveLoad } from './interactive-load.ts';

/** Keeps the event loop busy (no idle time at all) for `ms`. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

describe('InteractiveLoad', () => {
  it('lets batch work start whenever no interactive request is in flight, however busy the loop', async () => {
    const load = new InteractiveLoad();
    const batch = InteractiveLoad.reader(load.shared, 0.3);
    spin(120);
    await sleep(1);
    expect(batch.batchMayStart()).toBe(true);
  });

  it('holds batch work back while a user is served on a busy loop, and lets it go once the loop is idle again', async () => {
    const load = new InteractiveLoad();
    // The batch thread's view: the same shared memory, read through its own array.
    const batch = InteractiveLoad.reader(load.shared, 0.3);
    load.begin();
    spin(120);
    // The overdue sample fires before a timer due after it.
    await sleep(1);
    expect(load.utilization()).toBeGreaterThan(0.3);
    expect(batch.batchMayStart()).toBe(false);
    await sleep(300);
    expect(batch.batchMayStart()).toBe(true);
    load.end();
    expect(load.inFlight).toBe(0);
    load.close();
  });

  it('counts requests from every caller in one place and stops sampling when the last one ends', async () => {
    const load = new InteractiveLoad();
    load.begin();
    load.begin();
    load.end();
    expect(load.inFlight).toBe(1);
    spin(80);
    await sleep(1);
    expect(load.utilization()).toBeGreaterThan(0);
    load.end();
    expect(load.inFlight).toBe(0);
    expect(load.utilization()).toBe(0);
  });
});
