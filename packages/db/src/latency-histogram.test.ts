import { describe, expect, it } from 'vitest';
import { bucketRange, countLatencies, histogramPercentile, LATENCY_BUCKET_BOUNDS, latencyBucket, packHistogram, unpackHistogram } from './latency-histogram.ts';

describe('latency histogram', () => {
  it('puts a value in the bucket whose range holds it, bounds 10 % apart', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(0.999)).toBe(0);
    expect(latencyBucket(1)).toBe(1);
    expect(latencyBucket(-5)).toBe(0);
    expect(latencyBucket(Number.NaN)).toBe(0);
    for (const value of [1.05, 12.5, 250, 999.9, 61_000, 3_599_999]) {
      const [low, high] = bucketRange(latencyBucket(value));
      expect(value).toBeGreaterThanOrEqual(low);
      expect(value).toBeLessThan(high);
      expect(high / low).toBeCloseTo(1.1, 10);
    }
    expect(latencyBucket(10 * 3_600_000)).toBe(LATENCY_BUCKET_BOUNDS.length);
  });

  it('packs sparse, sorted, and merges what it unpacks', () => {
    const packed = packHistogram(countLatencies([250, 12.5, 250, 0.2]));
    expect(packed).toEqual([...packed].sort((left, right) => left - right));
    expect(packed).toHaveLength(3);
    const merged = unpackHistogram(packed, unpackHistogram(packHistogram(countLatencies([250]))));
    expect(merged.get(latencyBucket(250))).toBe(3);
    expect(merged.get(0)).toBe(1);
  });

  it('estimates nearest-rank percentiles within 5 %', () => {
    // A skewed spread from 0.5 ms to 20 s.
    const values = Array.from({ length: 5000 }, (_, index) => 0.5 * Math.exp((index * 37) % 5000 / 470));
    const sorted = [...values].sort((left, right) => left - right);
    const counts = countLatencies(values);
    for (const fraction of [0.5, 0.9, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(fraction * sorted.length) - 1]!;
      const estimate = histogramPercentile(counts, fraction)!;
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.05);
    }
    expect(histogramPercentile(new Map(), 0.5)).toBeNull();
  });
});
