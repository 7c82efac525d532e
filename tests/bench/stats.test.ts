import { describe, expect, it } from 'vitest';
import { StreamWatcher } from '../../bench/src/sse.ts';
import { added, addedFigures, percentile, pooledChangeInterval, round, summarize } from '../../bench/src/stats.ts';

describe('percentile', () => {
  it.each([
    [[5], 50, 5],
    [[5], 99, 5],
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 100, 4],
    [[1, 2, 3, 4], 50, 2.5],
    [[10, 20, 30, 40, 50], 50, 30],
    [[10, 20, 30, 40, 50], 90, 46],
    [[10, 20, 30, 40, 50], 99, 49.6],
  ])('of %j at p%d is %d (linear between ranks)', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 10);
  });

  it('is NaN without values and refuses a rank outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('matches the textbook p99 of 1..100', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 99)).toBeCloseTo(99.01, 10);
    expect(percentile(values, 50)).toBeCloseTo(50.5, 10);
  });
});

describe('summarize', () => {
  it('sorts a copy and reports count, mean, percentiles and max', () => {
    const values = [9, 1, 5, 3, 7];
    expect(summarize(values)).toEqual({ count: 5, mean: 5, p50: 5, p90: 8.2, p99: expect.closeTo(8.92, 10), max: 9 });
    expect(values).toEqual([9, 1, 5, 3, 7]);
  });

  it('is NaN everywhere but the count for no values', () => {
    const summary = summarize([]);
    expect(summary.count).toBe(0);
    expect(summary.p50).toBeNaN();
    expect(summary.max).toBeNaN();
  });
});

describe('added (what a path adds over direct)', () => {
  it('is the difference in ms and the ratio to direct', () => {
    expect(added(2, 2.5)).toEqual({ ms: 0.5, ratio: 1.25 });
    expect(added(10, 8)).toEqual({ ms: -2, ratio: 0.8 });
  });

  it('has no ratio when direct is zero', () => {
    expect(added(0, 1).ratio).toBeNaN();
  });

  it('compares all four figures', () => {
    const result = addedFigures({ latencyP50: 10, latencyP99: 20, ttftP50: 1, ttftP99: 4 }, { latencyP50: 11, latencyP99: 30, ttftP50: 1.5, ttftP99: 4 });
    expect(result).toEqual({
      latencyP50: { ms: 1, ratio: 1.1 },
      latencyP99: { ms: 10, ratio: 1.5 },
      ttftP50: { ms: 0.5, ratio: 1.5 },
      ttftP99: { ms: 0, ratio: 1 },
    });
  });

  it('rounds away float noise only', () => {
    expect(round(0.1 + 0.2)).toBe(0.3);
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(Number.NaN)).toBeNaN();
  });
});

describe('StreamWatcher (first content token of an SSE stream)', () => {
  const frame = (delta: string) => `data: {"id":"x","choices":[{"index":0,"delta":${delta},"finish_reason":null}]}\n\n`;

  it('skips a role-only first chunk and fires on the first non-empty content', () => {
    const watcher = new StreamWatcher();
    expect(watcher.push(frame('{"role":"assistant","content":""}'))).toBe(false);
    expect(watcher.push(frame('{"content":"Hello"}'))).toBe(true);
    expect(watcher.push(frame('{"content":" again"}'))).toBe(false);
    expect(watcher.sawContent).toBe(true);
    expect(watcher.sawDone).toBe(false);
    watcher.push('data: [DONE]\n\n');
    expect(watcher.sawDone).toBe(true);
  });

  it('finds a marker split across network reads, wherever the split falls', () => {
    const text = frame('{"role":"assistant","content":""}') + frame('{"content":"Hi"}') + 'data: [DONE]\n\n';
    const firstContent = text.indexOf('"content":"Hi') + '"content":"'.length;
    for (let split = 1; split < text.length; split++) {
      const watcher = new StreamWatcher();
      const first = watcher.push(text.slice(0, split));
      const second = watcher.push(text.slice(split));
      expect(first).toBe(split > firstContent);
      expect(second).toBe(split <= firstContent);
      expect(watcher.sawDone).toBe(true);
    }
  });
});

describe('pooledChangeInterval', () => {
  const window = (scale: number, offset = 0) => Array.from({ length: 300 }, (_, index) => (10 + offset + (index % 50) * 0.2) * scale);

  it('is zero wide at zero when every round is the same both ways', () => {
    const rounds = Array.from({ length: 5 }, (_, index) => ({ control: window(1, index), treated: window(1, index) }));
    expect(pooledChangeInterval(rounds)).toMatchObject({ low: 0, high: 0, confidence: 0.9, resamples: 2000 });
  });

  it('sits on the change when every round shows the same one', () => {
    const rounds = Array.from({ length: 5 }, (_, index) => ({ control: window(1, index), treated: window(1.2, index) }));
    const interval = pooledChangeInterval(rounds, { resamples: 500 });
    expect(interval.low).toBeGreaterThan(0.19);
    expect(interval.high).toBeLessThan(0.21);
  });

  it('spans from no change to a large one when a single round of six carries it', () => {
    const rounds = Array.from({ length: 6 }, (_, index) => ({ control: window(1), treated: window(index === 0 ? 2 : 1) }));
    const interval = pooledChangeInterval(rounds, { resamples: 500 });
    expect(interval.low).toBe(0);
    expect(interval.high).toBeGreaterThan(0.5);
  });

  it('gives the same interval for the same rounds and seed, and none for no rounds', () => {
    const rounds = Array.from({ length: 4 }, (_, index) => ({ control: window(1, index), treated: window(index % 2 === 0 ? 1.3 : 0.9, index) }));
    expect(pooledChangeInterval(rounds, { resamples: 500, seed: 7 })).toEqual(pooledChangeInterval(rounds, { resamples: 500, seed: 7 }));
    expect(pooledChangeInterval([]).low).toBeNaN();
  });
});
