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
    const served = load.begin();
    spin(120);
    expect(load.utilization()).toBeGreaterThan(0.3);
    expect(load.batchMayStart()).toBe(false);
    await sleep(300);
    expect(load.batchMayStart()).toBe(true);
    served.end();
    expect(load.inFlight).toBe(0);
  });

  it('counts users as being served while a request is in flight and for a moment after the last one ended', async () => {
    const load = new InteractiveLoad();
    expect(load.servedWithin(1000)).toBe(false);
    const served = load.begin();
    await sleep(30);
    expect(load.servedWithin(10)).toBe(true);
    served.end();
    expect(load.servedWithin(60_000)).toBe(true);
    await sleep(30);
    expect(load.servedWithin(10)).toBe(false);
  });

  it('counts users as waiting from the start of a request until its first output, once each, whatever the order of the calls', () => {
    const load = new InteractiveLoad();
    expect(load.usersWaiting).toBe(false);
    const first = load.begin();
    const second = load.begin();
    expect(load.usersWaiting).toBe(true);
    first.answered();
    first.answered();
    expect(load.usersWaiting).toBe(true);
    expect(load.inFlight).toBe(2);
    second.end();
    expect(load.usersWaiting).toBe(false);
    first.end();
    first.end();
    expect(load.inFlight).toBe(0);
    const third = load.begin();
    third.end();
    third.answered();
    expect(load.usersWaiting).toBe(false);
    expect(load.inFlight).toBe(0);
  });
});
