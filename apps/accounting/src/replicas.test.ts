import { callAccounting, publishUsage } from '@corral/bus';
import { DatabaseSource } from '@corral/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@corral/log';
import { startAccounting, type Accounting } from './start.ts';
import { usageEvent } from '@corral/protocol/testing';
import { createTestWorld, eventually, scalar, type TestWorld } from './testing/index.ts';

describe('two accounting replicas on one database and prefix', () => {
  let world: TestWorld;
  let second: Accounting;
  beforeAll(async () => {
    world = await createTestWorld('replicas', { batchSize: 20 });
    await world.start();
    second = await startAccounting(world.config, {
      logger: createLogger({ service: 'accounting', level: 'debug', write: (line) => world.logs.push(line) }),
      database: { url: world.databaseUrl, source: DatabaseSource.Env },
    });
  });
  afterAll(async () => {
    await second?.stop();
    await world?.close();
  });

  it('serves each request once and shares the usage stream without losing or repeating events', async () => {
    const created = await Promise.all(Array.from({ length: 10 }, (_, index) => callAccounting(world.bus, 'keys.create', { name: `k${index}` })));
    expect(await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM api_keys')).toBe(10);

    const keyIds = created.map((item) => item.key.id);
    await callAccounting(world.bus, 'models.set', { alias: 'fast', target: 'llama3.2:3b', inputPricePerMTok: 1, outputPricePerMTok: 1 });
    const results = await Promise.all(
      Array.from({ length: 600 }, (_, index) => publishUsage(world.bus, usageEvent(`rep${index}`, { keyId: keyIds[index % keyIds.length]! }))),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    await eventually(async () => ((await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage')) === 600 ? true : undefined));
    // Concurrent replicas upsert the same rollup rows: totals must still be exact.
    await eventually(() => (world.accounting!.storedUsage + second.storedUsage === 600 ? true : undefined));
    console.log(`replica split: ${world.accounting!.storedUsage} / ${second.storedUsage} events`);
    expect(await scalar(world.databaseUrl, 'SELECT sum(requests) AS value FROM usage_hourly')).toBe(600);
    expect(await scalar(world.databaseUrl, 'SELECT sum(requests) AS value FROM usage_daily')).toBe(600);
    expect(await scalar(world.databaseUrl, 'SELECT sum(spent_usd) AS value FROM api_keys')).toBeCloseTo(600 * 30e-6, 9);
  });
});
