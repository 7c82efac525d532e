import { describe, expect, it } from 'vitest';
import { AbortFanout } from './abort-fanout.ts';

describe('AbortFanout', () => {
  it('aborts every open child with the parent, and none that was closed', () => {
    const parent = new AbortController();
    const fanout = new AbortFanout(parent.signal);
    const open = fanout.open();
    const closed = fanout.open();
    closed.close();
    expect(fanout.size).toBe(1);
    parent.abort(new Error('stopping'));
    expect(open.signal.aborted).toBe(true);
    expect((open.signal.reason as Error).message).toBe('stopping');
    expect(closed.signal.aborted).toBe(false);
    expect(fanout.size).toBe(0);
  });

  it('opens an aborted child once the parent has aborted', () => {
    const parent = new AbortController();
    const fanout = new AbortFanout(parent.signal);
    parent.abort();
    expect(fanout.open().signal.aborted).toBe(true);
    expect(fanout.size).toBe(0);
  });

  it('keeps a single listener on the parent however many children are open', () => {
    const parent = new AbortController();
    let added = 0;
    const original = parent.signal.addEventListener.bind(parent.signal);
    parent.signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
      added++;
      original(...args);
    }) as AbortSignal['addEventListener'];
    const fanout = new AbortFanout(parent.signal);
    const children = Array.from({ length: 1000 }, () => fanout.open());
    expect(added).toBe(1);
    for (const child of children) child.close();
    expect(fanout.size).toBe(0);
  });
});
