import { callAccounting, openKv, watchKv, type KvBucket } from '@corral/bus';
import { AccountingConfig, parseEnv } from '@corral/config';
import { createDb, type DbHandle } from '@corral/db';
import { hashApiKey } from '@corral/keys';
import { KeyRecord, ModelConfig, modelConfigKey } from '@corral/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountingContext } from './context.ts';
import { createLogger } from '@corral/log';
import { reconcile, startReconciler } from './reconcile.ts';
import { createTestWorld, eventually, scalar, type TestWorld } from './testing/index.ts';

const lastRevision = async (bucket: KvBucket) => (await bucket.kv.status()).streamInfo.state.last_seq;

describe('reconciling KV with Postgres', () => {
  let world: TestWorld;
  let handle: DbHandle;
  let context: AccountingContext;
  let keyHash: string;
  let keyId: string;
  beforeAll(async () => {
    // No timer in the running accounting: each test drives its passes itself.
    world = await createTestWorld('reconcile', { resyncIntervalMs: 0 });
    await world.start();
    handle = createDb(world.databaseUrl);
    context = {
      db: handle.db,
      bus: world.bus,
      keys: await openKv(world.bus, 'keys'),
      models: await openKv(world.bus, 'models'),
      teams: await openKv(world.bus, 'teams'),
      logger: createLogger({ service: 'accounting', level: 'debug', write: (line) => world.logs.push(line) }),
    };
    const created = await callAccounting(world.bus, 'keys.create', { name: 'drift', models: ['fast'], budgetUsd: 5, metadata: { team: 'a', tier: 'b' } });
    keyHash = hashApiKey(created.plaintext);
    keyId = created.key.id;
    await callAccounting(world.bus, 'models.set', { alias: 'fast:latest', target: 'llama3.2:3b', options: { num_ctx: 8192, temperature: 0.2 }, inputPricePerMTok: 0.5 });
  });
  afterAll(async () => {
    await handle?.close();
    await world?.close();
  });

  it('puts back a lost key entry and an overwritten model entry, from Postgres', async () => {
    const expectedKey = await context.keys.get(keyHash, KeyRecord);
    const expectedModel = await context.models.get(modelConfigKey('fast:latest'), ModelConfig);
    expect(expectedKey).toMatchObject({ id: keyId, budgetUsd: 5 });

    await context.keys.delete(keyHash);
    await context.models.put(modelConfigKey('fast:latest'), ModelConfig, { ...expectedModel!, target: 'something-else:1b' });

    expect(await reconcile(context)).toEqual({ keys: 1, models: 1, teams: 0, written: 2, removed: 0 });
    expect(await context.keys.get(keyHash, KeyRecord)).toEqual(expectedKey);
    expect(await context.models.get(modelConfigKey('fast:latest'), ModelConfig)).toEqual(expectedModel);
  });

  it('rewrites an entry the edges cannot read and a spent amount that never reached KV', async () => {
    await context.keys.kv.put(keyHash, 'not json');
    // A usage batch committed, but its KV write was lost.
    await scalar(world.databaseUrl, 'UPDATE api_keys SET spent_usd = 5 WHERE id = $1 RETURNING 1 AS value', [keyId]);
    expect(await reconcile(context)).toMatchObject({ written: 1, removed: 0 });
    expect(await context.keys.get(keyHash, KeyRecord)).toMatchObject({ id: keyId, spentUsd: 5, budgetUsd: 5 });
  });

  it('deletes stray entries Postgres has no row for', async () => {
    const key = await context.keys.get(keyHash, KeyRecord);
    const model = await context.models.get(modelConfigKey('fast:latest'), ModelConfig);
    await context.keys.put('f'.repeat(64), KeyRecord, { ...key!, id: '00000000-0000-4000-8000-000000000000', name: 'ghost' });
    await context.models.put(modelConfigKey('ghost:7b'), ModelConfig, { ...model!, alias: 'ghost:7b' });
    await context.models.kv.put('garbage', 'not json');

    expect(await reconcile(context)).toEqual({ keys: 1, models: 1, teams: 0, written: 0, removed: 3 });
    expect((await context.keys.keys()).sort()).toEqual([keyHash]);
    expect((await context.models.keys()).sort()).toEqual([modelConfigKey('fast:latest')]);
  });

  it('writes nothing when KV already matches, whatever order the stored fields are in', async () => {
    // Same values, fields and nested keys written in reverse order: equal, so not rewritten.
    const modelKey = modelConfigKey('fast:latest');
    const model = await context.models.get(modelKey, ModelConfig);
    const reversed = (value: Record<string, unknown>): Record<string, unknown> =>
      Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([name, inner]) => [name, inner !== null && typeof inner === 'object' && !Array.isArray(inner) ? reversed(inner as Record<string, unknown>) : inner]),
      );
    await context.models.kv.put(modelKey, JSON.stringify(reversed(model!)));
    expect(await reconcile(context)).toEqual({ keys: 1, models: 1, teams: 0, written: 0, removed: 0 });

    const revisions = { keys: await lastRevision(context.keys), models: await lastRevision(context.models) };
    const seen: string[] = [];
    const watches = await Promise.all(
      (['keys', 'models'] as const).map((bucket) => watchKv(world.bus, bucket, bucket === 'keys' ? KeyRecord : ModelConfig, { onChange: (key) => seen.push(`${bucket}/${key}`) })),
    );
    await Promise.all(watches.map((watch) => watch.ready));
    seen.length = 0;

    expect(await reconcile(context)).toEqual({ keys: 1, models: 1, teams: 0, written: 0, removed: 0 });
    expect(await reconcile(context)).toEqual({ keys: 1, models: 1, teams: 0, written: 0, removed: 0 });
    expect({ keys: await lastRevision(context.keys), models: await lastRevision(context.models) }).toEqual(revisions);

    // A write made after the passes shows up alone: nothing the passes did was still on its way.
    await context.models.kv.put('sentinel', '{}');
    await eventually(() => (seen.includes('models/sentinel') ? true : undefined));
    expect(seen).toEqual(['models/sentinel']);
    for (const watch of watches) watch.stop();
    expect(await reconcile(context)).toMatchObject({ written: 0, removed: 1 });
  });

  it('repairs on a timer, and keeps running after a failed pass', async () => {
    const before = world.logs.length;
    const reconciler = startReconciler(context, { intervalMs: 50 });
    try {
      await context.keys.delete(keyHash);
      await eventually(async () => ((await context.keys.get(keyHash, KeyRecord)) ? true : undefined));
      await eventually(() => (world.logs.slice(before).some((line) => line.includes('repaired KV drift: 1 written, 0 removed')) ? true : undefined));

      // Postgres refuses the read: the pass fails, is logged, and the next one heals.
      await scalar(world.databaseUrl, 'ALTER TABLE api_keys RENAME TO api_keys_away');
      await context.keys.delete(keyHash);
      try {
        await eventually(() => (world.logs.slice(before).some((line) => line.includes('"level":40') && line.includes('KV reconciliation failed')) ? true : undefined));
      } finally {
        await scalar(world.databaseUrl, 'ALTER TABLE api_keys_away RENAME TO api_keys');
      }
      await eventually(async () => ((await context.keys.get(keyHash, KeyRecord)) ? true : undefined));
    } finally {
      await reconciler?.stop();
    }
    // Passes that repair nothing stay quiet.
    const repairs = world.logs.slice(before).filter((line) => line.includes('repaired KV drift'));
    expect(repairs).toHaveLength(2);
  });

  it('runs no timer when the interval is 0, the default being a minute', async () => {
    expect(parseEnv(AccountingConfig, {}).ACCOUNTING_RESYNC_INTERVAL_MS).toBe(60_000);
    expect(parseEnv(AccountingConfig, { ACCOUNTING_RESYNC_INTERVAL_MS: '0' }).ACCOUNTING_RESYNC_INTERVAL_MS).toBe(0);
    expect(startReconciler(context, { intervalMs: 0 })).toBeUndefined();

    // The running accounting was started with 0: a lost entry stays lost until a pass runs.
    await context.keys.delete(keyHash);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await context.keys.get(keyHash, KeyRecord)).toBeUndefined();
    expect(await reconcile(context)).toMatchObject({ written: 1, removed: 0 });
  });

  it('costs a read of each bucket when nothing differs', async () => {
    const count = 2_000;
    await scalar(
      world.databaseUrl,
      `INSERT INTO api_keys (name, prefix, key_hash, metadata)
       SELECT 'bulk' || n, 'sk-corral-bulk', md5(n::text) || md5('x' || n::text), jsonb_build_object('n', n)
       FROM generate_series(1, $1::int) AS n RETURNING 1 AS value`,
      [count],
    );
    let started = performance.now();
    expect(await reconcile(context)).toMatchObject({ keys: count + 1, written: count, removed: 0 });
    const filling = performance.now() - started;
    started = performance.now();
    expect(await reconcile(context)).toMatchObject({ keys: count + 1, written: 0, removed: 0 });
    const idle = performance.now() - started;
    console.log(`reconcile over ${count + 1} keys: ${filling.toFixed(0)} ms writing them all, ${idle.toFixed(0)} ms when nothing differs`);
  });
});

describe('accounting started with a resync interval', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld('resync', { resyncIntervalMs: 100 });
    await world.start();
  });
  afterAll(async () => world?.close());

  it('heals a purged bucket by itself', async () => {
    const created = await callAccounting(world.bus, 'keys.create', { name: 'purged' });
    await callAccounting(world.bus, 'models.set', { alias: 'fast', target: 'llama3.2:3b' });
    const keys = await openKv(world.bus, 'keys');
    const models = await openKv(world.bus, 'models');
    // What `nats stream purge` does: the entries vanish without a delete marker a watcher could see.
    for (const bucket of [keys, models]) await world.bus.nc.request(`$JS.API.STREAM.PURGE.KV_${bucket.name}`, '', { timeout: 5000 });
    expect(await keys.keys()).toEqual([]);
    await eventually(async () => ((await keys.get(hashApiKey(created.plaintext), KeyRecord))?.id === created.key.id ? true : undefined));
    await eventually(async () => ((await models.get('fast', ModelConfig))?.target === 'llama3.2:3b' ? true : undefined));
  });
});
