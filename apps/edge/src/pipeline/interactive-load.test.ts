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
  it('lets batch work start whenever no interactive request is in flight, however busy the loop', () => {
    const load = new InteractiveLoad(0.3);
    spin(120);
    expect(load.batchMayStart()).toBe(true);
  });

  it('holds batch work back while a user is served on a busy loop, and lets it go once the loop is idle again', async () => {
    const load = new InteractiveLoad(0.3);
    load.begin();
    spin(120);
    expect(load.utilization()).toBeGreaterThan(0.3);
    expect(load.batchMayStart()).toBe(false);
    await sleep(300);
    expect(load.batchMayStart()).toBe(true);
    load.end();
    expect(load.inFlight).toBe(0);
  });
});
