import { constants, type PerformanceEntry } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { collectOwnGarbage, summarizeCollections, withOwnCollections } from '../../bench/src/batch/own-gc.ts';

const entry = (kind: number, duration: number) => ({ entryType: 'gc', duration, detail: { kind } }) as unknown as PerformanceEntry;

describe('summarizeCollections', () => {
  it('counts minor collections as scavenges and major ones as full collections, with incremental marking in their time', () => {
    const summary = summarizeCollections([
      entry(constants.NODE_PERFORMANCE_GC_MINOR, 1.25),
      entry(constants.NODE_PERFORMANCE_GC_INCREMENTAL, 2),
      entry(constants.NODE_PERFORMANCE_GC_MAJOR, 10.5),
      entry(constants.NODE_PERFORMANCE_GC_MINOR, 0.75),
      entry(constants.NODE_PERFORMANCE_GC_WEAKCB, 4),
    ]);
    expect(summary).toEqual({ scavenges: 2, scavengesRequested: 0, scavengeMs: 2, markCompacts: 1, markCompactMs: 12.5 });
  });
});

describe('withOwnCollections', () => {
  it('sees a full collection of this process that ran during the work, and none when there was none to see', async () => {
    const collected = await withOwnCollections(async () => {
      await collectOwnGarbage();
      return 'done';
    });
    expect(collected.result).toBe('done');
    expect(collected.gc.markCompacts).toBeGreaterThanOrEqual(1);
    expect(collected.gc.markCompactMs).toBeGreaterThan(0);
    // Collected before the observer starts: not counted.
    await collectOwnGarbage();
    const idle = await withOwnCollections(async () => 0);
    expect(idle.gc.markCompacts).toBe(0);
  });
});
