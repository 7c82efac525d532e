import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectBus, type Bus } from './bus.ts';
import { deleteKv, openKv, watchKv } from './kv.ts';
import { startNatsRelay } from './testing/index.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `kv${process.pid}${Math.random().toString(36).slice(2, 8)}`;
const Value = z.object({ n: z.number() });

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('config buckets on a real NATS server', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'kv-test', prefix });
  });
  afterAll(async () => {
    await deleteKv(bus, 'keys');
    await deleteKv(bus, 'models');
    await bus.close();
  });

  it('creates a bucket keeping one revision and stores validated values', async () => {
    const bucket = await openKv(bus, 'keys');
    expect((await bucket.kv.status()).history).toBe(1);
    await bucket.put('a', Value, { n: 1 });
    await bucket.put('a', Value, { n: 2 });
    expect(await bucket.get('a', Value)).toEqual({ n: 2 });
    await expect(bucket.put('b', Value, { n: 'x' } as never)).rejects.toThrow();
    await bucket.delete('a');
    expect(await bucket.get('a', Value)).toBeUndefined();
    expect(await bucket.keys()).toEqual([]);
    // Opening again keeps the bucket.
    await (await openKv(bus, 'keys')).put('c', Value, { n: 3 });
    expect(await bucket.get('c', Value)).toEqual({ n: 3 });
  });

  it('reads every current value in one pass, deleted keys left out', async () => {
    const bucket = await openKv(bus, 'keys');
    await bucket.put('e1', Value, { n: 1 });
    await bucket.put('e1', Value, { n: 2 });
    await bucket.put('e2', Value, { n: 3 });
    await bucket.delete('e2');
    await bucket.kv.put('e3', 'not json');
    const entries = await bucket.entries();
    const text = Object.fromEntries([...entries].map(([key, value]) => [key, new TextDecoder().decode(value)]));
    expect(text).toEqual({ c: '{"n":3}', e1: '{"n":2}', e3: 'not json' });
    await (await jetstreamManager(bus.nc)).streams.purge(`KV_${bucket.name}`);
    expect((await bucket.entries()).size).toBe(0);
  });

  it('is ready at once on an empty bucket', async () => {
    const watch = await watchKv(bus, 'models', Value, { onChange: () => undefined });
    await watch.ready;
    watch.stop();
  });

  it('delivers current values before ready, then puts, deletes and invalid values live', async () => {
    const bucket = await openKv(bus, 'models');
    await bucket.put('x', Value, { n: 1 });
    await bucket.put('y', Value, { n: 2 });
    await bucket.put('gone', Value, { n: 9 });
    await bucket.delete('gone');

    const mirror = new Map<string, number>();
    const invalid: string[] = [];
    let readyCalls = 0;
    const watch = await watchKv(bus, 'models', Value, {
      onChange: (key, value) => (value ? mirror.set(key, value.n) : mirror.delete(key)),
      onReady: () => readyCalls++,
      onInvalid: (key) => invalid.push(key),
    });
    await watch.ready;
    expect(Object.fromEntries(mirror)).toEqual({ x: 1, y: 2 });

    await bucket.put('z', Value, { n: 3 });
    await bucket.delete('x');
    await bucket.kv.put('y', 'not json');
    await until(() => mirror.has('z') && !mirror.has('x') && !mirror.has('y'));
    expect(invalid).toEqual(['y']);
    expect(readyCalls).toBe(1);
    watch.stop();
  });

  it('catches up after a reconnect, deletes included, even when the server dropped the watch meanwhile', async () => {
    const relay = await startNatsRelay(servers);
    const watcher = await connectBus({ servers: relay.url, name: 'kv-test-watcher', prefix });
    try {
      const bucket = await openKv(bus, 'keys');
      await bucket.put('kept', Value, { n: 1 });
      await bucket.put('revoked', Value, { n: 2 });
      const mirror = new Map<string, number>();
      const watch = await watchKv(watcher, 'keys', Value, { onChange: (key, value) => (value ? mirror.set(key, value.n) : mirror.delete(key)) });
      await watch.ready;
      expect(mirror.get('revoked')).toBe(2);

      await relay.cut();
      await until(() => !watcher.isConnected());
      // What a server does to a consumer whose client stayed away past its inactivity threshold.
      const manager = await jetstreamManager(bus.nc);
      const stream = `KV_${bucket.name}`;
      for await (const consumer of manager.consumers.list(stream)) await manager.consumers.delete(stream, consumer.config.name ?? consumer.name);
      await bucket.delete('revoked');
      await bucket.put('created', Value, { n: 3 });
      await bucket.put('kept', Value, { n: 4 });

      await relay.restore();
      const reconnected = performance.now();
      await until(() => !mirror.has('revoked') && mirror.get('created') === 3 && mirror.get('kept') === 4, 5000);
      console.log(`KV watch caught up ${(performance.now() - reconnected).toFixed(0)} ms after the connection came back`);
      expect(Object.fromEntries(mirror)).toMatchObject({ kept: 4, created: 3 });

      // And it keeps following live changes.
      await bucket.put('later', Value, { n: 5 });
      await until(() => mirror.get('later') === 5);
      watch.stop();
    } finally {
      await watcher.close();
      await relay.cut();
    }
  });
});
