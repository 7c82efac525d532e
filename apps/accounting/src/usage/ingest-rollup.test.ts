import { createDb, dropDatabase, ensureDatabase, latencyBucket, migrate, unpackHistogram, type DbHandle } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { usageEvent } from '@corral/protocol/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestUsage } from './ingest.ts';

const KEY = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';

describe('ingest rollups: latency histograms and GPU time', () => {
  const databaseUrl = testDatabaseUrl('ingest_rollup');
  let handle: DbHandle;
  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    handle = createDb(databaseUrl);
  });
  afterAll(async () => {
    await handle?.close();
    await dropDatabase(databaseUrl);
  });

  it('merges histograms bucket by bucket and sums GPU time across batches, into key and team rollups', async () => {
    await ingestUsage(handle.db, [
      usageEvent('h1', { keyId: KEY, ttftMs: 12.5, durationMs: 250 }),
      usageEvent('h2', { keyId: KEY, ttftMs: 80, durationMs: 900 }),
    ]);
    // A second batch into the same rows, and a redelivery that must not count again.
    await ingestUsage(handle.db, [usageEvent('h3', { keyId: KEY, ttftMs: 12.6, durationMs: 250 }), usageEvent('h1', { keyId: KEY })]);

    for (const table of ['usage_hourly', 'usage_daily', 'usage_team_hourly', 'usage_team_daily']) {
      const { rows } = await handle.pool.query<{ requests: string; gpu_ns: string; ttft_ms_sum: number; duration_ms_sum: number; ttft_histogram: string[]; duration_histogram: string[] }>(
        `SELECT requests, gpu_ns, ttft_ms_sum, duration_ms_sum, ttft_histogram, duration_histogram FROM ${table}`,
      );
      expect(rows, table).toHaveLength(1);
      const [row] = rows;
      expect(Number(row!.requests)).toBe(3);
      expect(Number(row!.gpu_ns)).toBe(3 * 6_000_000);
      expect(row!.ttft_ms_sum).toBeCloseTo(12.5 + 80 + 12.6, 9);
      expect(row!.duration_ms_sum).toBe(1400);
      expect(unpackHistogram(row!.ttft_histogram)).toEqual(new Map([[latencyBucket(12.5), 2], [latencyBucket(80), 1]]));
      expect(unpackHistogram(row!.duration_histogram)).toEqual(new Map([[latencyBucket(250), 2], [latencyBucket(900), 1]]));
      // Stored sorted by bucket.
      expect(row!.duration_histogram.map(Number)).toEqual(row!.duration_histogram.map(Number).sort((left, right) => left - right));
    }
  });
});
