import { createDb, type DbHandle } from '@corral/db';
import { KeyRecord, usageEventList, type UsageEvent } from '@corral/protocol';
import { hashApiKey } from '@corral/keys';
import { callAccounting, openKv, publishUsage, publishUsageEvents, usageStreamState } from '@corral/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageEvent } from '@corral/protocol/testing';
import { createTestWorld, eventually, scalar, type TestWorld } from './testing/index.ts';
import { ingestUsage } from './usage/ingest.ts';

describe('usage ingestion', () => {
  let world: TestWorld;
  let handle: DbHandle;
  beforeAll(async () => {
    world = await createTestWorld('usage', { batchSize: 50 });
    await world.start();
    handle = createDb(world.databaseUrl);
  });
  afterAll(async () => {
    await handle?.close();
    await world?.close();
  });

  it('stores N published events as N rows with matching rollups, costs and key spending', async () => {
    const { key, plaintext } = await callAccounting(world.bus, 'keys.create', { name: 'metered', budgetUsd: 100 });
    await callAccounting(world.bus, 'models.set', { alias: 'fast', target: 'llama3.2:3b', inputPricePerMTok: 1, outputPricePerMTok: 2 });

    const events: UsageEvent[] = [];
    for (let index = 0; index < 400; index++) {
      events.push(
        usageEvent(`n${index}`, {
          keyId: index % 4 === 0 ? null : key.id,
          alias: index % 2 === 0 ? 'fast' : 'other',
          status: index % 10 === 0 ? 'error' : index % 10 === 1 ? 'cancelled' : 'ok',
          promptTokens: 100 + index,
          completionTokens: 50,
          // Two hours, two days.
          startedAt: index < 200 ? '2025-03-01T10:15:00.000Z' : index < 300 ? '2025-03-01T11:59:59.999Z' : '2025-03-02T00:00:00.000Z',
        }),
      );
    }
    const started = performance.now();
    const results = await Promise.all(events.map((event) => publishUsage(world.bus, event)));
    expect(results.every((result) => result.ok)).toBe(true);
    await eventually(async () => ((await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage')) === 400 ? true : undefined));
    const elapsed = performance.now() - started;
    console.log(`400 events published and stored in ${elapsed.toFixed(0)} ms (${((400 / elapsed) * 1000).toFixed(0)} events/s)`);

    const totalPrompt = events.reduce((sum, event) => sum + event.promptTokens, 0);
    for (const table of ['usage_hourly', 'usage_daily']) {
      expect(await scalar(world.databaseUrl, `SELECT sum(requests) AS value FROM ${table}`)).toBe(400);
      expect(await scalar(world.databaseUrl, `SELECT sum(prompt_tokens) AS value FROM ${table}`)).toBe(totalPrompt);
      expect(await scalar(world.databaseUrl, `SELECT sum(completion_tokens) AS value FROM ${table}`)).toBe(400 * 50);
      expect(await scalar(world.databaseUrl, `SELECT sum(errors) AS value FROM ${table}`)).toBe(40);
    }
    // keyless/keyed × fast/other × 3 hours, but index parity ties alias to keyless-ness partly: count the real combinations.
    const hourlyGroups = new Set(events.map((event) => `${event.keyId}|${event.alias}|${event.startedAt.slice(0, 13)}`));
    expect(await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage_hourly')).toBe(hourlyGroups.size);
    const dailyGroups = new Set(events.map((event) => `${event.keyId}|${event.alias}|${event.startedAt.slice(0, 10)}`));
    expect(await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage_daily')).toBe(dailyGroups.size);

    const expectedCost = events
      .filter((event) => event.alias === 'fast')
      .reduce((sum, event) => sum + (event.promptTokens * 1 + event.completionTokens * 2) / 1e6, 0);
    expect(await scalar(world.databaseUrl, 'SELECT sum(cost_usd) AS value FROM usage')).toBeCloseTo(expectedCost, 9);
    expect(await scalar(world.databaseUrl, 'SELECT sum(cost_usd) AS value FROM usage_daily')).toBeCloseTo(expectedCost, 9);
    const keyCost = events
      .filter((event) => event.alias === 'fast' && event.keyId === key.id)
      .reduce((sum, event) => sum + (event.promptTokens * 1 + event.completionTokens * 2) / 1e6, 0);
    expect(await scalar(world.databaseUrl, 'SELECT spent_usd AS value FROM api_keys WHERE id = $1', [key.id])).toBeCloseTo(keyCost, 9);

    // Spending reaches the edges through KV.
    const bucket = await openKv(world.bus, 'keys');
    const replicated = await eventually(async () => {
      const record = await bucket.get(hashApiKey(plaintext), KeyRecord);
      return record && Math.abs((record.spentUsd ?? 0) - keyCost) < 1e-9 ? record : undefined;
    });
    expect(replicated.spentUsd).toBeCloseTo(keyCost, 9);

    const byModel = await callAccounting(world.bus, 'usage.summary', { groupBy: ['model'] });
    expect(byModel.map((row) => [row.model, row.requests]).sort()).toEqual([
      ['fast', 200],
      ['other', 200],
    ]);
    const byKeyAndDay = await callAccounting(world.bus, 'usage.summary', { groupBy: ['key', 'day'], keyId: key.id });
    expect(byKeyAndDay).toEqual([
      expect.objectContaining({ keyId: key.id, keyName: 'metered', period: '2025-03-01T00:00:00Z', requests: 225 }),
      expect.objectContaining({ keyId: key.id, keyName: 'metered', period: '2025-03-02T00:00:00Z', requests: 75 }),
    ]);
    const window = await callAccounting(world.bus, 'usage.summary', { groupBy: [], from: '2025-03-01T11:00:00Z', to: '2025-03-02T00:00:00Z' });
    expect(window).toEqual([expect.objectContaining({ requests: 100 })]);
  });

  it('never double-counts: the same request published twice, sent around the dedup window, or a batch written twice', async () => {
    const before = await scalar(world.databaseUrl, 'SELECT sum(requests) AS value FROM usage_hourly');
    const rowsBefore = await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage');
    const event = usageEvent('dup-a', { startedAt: '2025-04-01T00:00:00.000Z' });
    await publishUsage(world.bus, event);
    await publishUsage(world.bus, event);
    // A copy without a message id gets past the stream's deduplication; Postgres must catch it.
    world.bus.nc.publish(world.bus.subjects.usage('dup-a'), JSON.stringify(event));
    await publishUsage(world.bus, usageEvent('dup-b', { startedAt: '2025-04-01T00:00:00.000Z' }));
    await eventually(async () => ((await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage')) === rowsBefore + 2 ? true : undefined));
    // Let the raw copy be consumed too before checking nothing changed.
    await eventually(async () => {
      const state = await usageStreamState(world.bus);
      return state?.waiting === 0 && state.unacknowledged === 0 ? true : undefined;
    });

    // A redelivered batch: the same events written again.
    const batch = [usageEvent('dup-a', { startedAt: '2025-04-01T00:00:00.000Z' }), usageEvent('dup-b', { startedAt: '2025-04-01T00:00:00.000Z' })];
    expect(await ingestUsage(handle.db, batch)).toEqual({ inserted: 0, duplicates: 2, chargedKeyIds: [], chargedTeamIds: [] });
    expect(await ingestUsage(handle.db, [...batch, usageEvent('dup-c', { startedAt: '2025-04-01T00:00:00.000Z' })])).toMatchObject({ inserted: 1, duplicates: 2 });

    expect(await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage')).toBe(rowsBefore + 3);
    expect(await scalar(world.databaseUrl, 'SELECT sum(requests) AS value FROM usage_hourly')).toBe(before + 3);
    expect(await scalar(world.databaseUrl, `SELECT requests AS value FROM usage_daily WHERE bucket_start = '2025-04-01T00:00:00Z'`)).toBe(3);
  });

  it('stores a list message (a batch unit) as one row per event, and overlapping or repeated lists once', async () => {
    const at = { startedAt: '2025-05-01T00:00:00.000Z' };
    const rowsBefore = await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage');
    const events = Array.from({ length: 450 }, (_, index) => usageEvent(`unit-line${index}`, { ...at, promptTokens: index }));
    // More events in one list than a transaction takes (batchSize 50): the message goes whole.
    expect(await publishUsageEvents(world.bus, events.slice(0, 300))).toEqual({ ok: true, invalid: 0 });
    // A unit run again after its edge died publishes the same lines; another list overlaps it.
    expect(await publishUsageEvents(world.bus, events.slice(0, 300))).toEqual({ ok: true, invalid: 0 });
    world.bus.nc.publish(world.bus.subjects.usageList('unit-line0'), JSON.stringify(usageEventList(events.slice(0, 300))));
    expect(await publishUsageEvents(world.bus, events.slice(150))).toEqual({ ok: true, invalid: 0 });
    // A list in which one event can never be stored: the others still are.
    world.bus.nc.publish(world.bus.subjects.usageList('unit-odd0'), JSON.stringify({ v: 1, events: [usageEvent('unit-odd0', at), { ...usageEvent('unit-odd1', at), httpStatus: 42 }, usageEvent('unit-odd2', at)] }));
    await eventually(async () => ((await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage')) === rowsBefore + 452 ? true : undefined));
    await eventually(async () => {
      const state = await usageStreamState(world.bus);
      return state?.waiting === 0 && state.unacknowledged === 0 ? true : undefined;
    });
    expect(await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage')).toBe(rowsBefore + 452);
    expect(await scalar(world.databaseUrl, `SELECT sum(prompt_tokens) AS value FROM usage WHERE request_id LIKE 'unit-line%'`)).toBe((449 * 450) / 2);
    expect(await scalar(world.databaseUrl, `SELECT requests AS value FROM usage_daily WHERE bucket_start = '2025-05-01T00:00:00Z'`)).toBe(452);
  });
});
