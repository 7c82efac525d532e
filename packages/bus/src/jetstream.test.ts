import { jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { decodeUsageMessage, type UsageEvent } from '@corral/protocol';
import { usageEvent } from '@corral/protocol/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBus, type Bus } from './bus.ts';
import { deleteUsageStream, openUsagePuller, ensureUsageConsumer, ensureUsageStream, publishUsage, publishUsageEvents, usageStreamState } from './jetstream.ts';
import { StorageReservationError } from './storage.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `js${process.pid}${Math.random().toString(36).slice(2, 8)}`;
/** A cap is reserved on the server up front: tests keep theirs small. */
const TEST_STREAM_BYTES = 16 * 1024 ** 2;
/** More than any JetStream server here has (its default store is at most 1 TB). */
const BEYOND_ANY_SERVER_BYTES = 2 ** 50;

describe('usage stream on a real NATS server', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'jetstream-test', prefix });
  });
  afterAll(async () => {
    await deleteUsageStream(bus);
    await bus.close();
  });

  it('reports a retryable failure, without throwing, while the stream does not exist', async () => {
    const result = await publishUsage(bus, usageEvent('nostream'), { attempts: 2, timeoutMs: 500 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result).toMatchObject({ retryable: true, noStream: true });
    expect(await publishUsageEvents(bus, [usageEvent('nostream1'), usageEvent('nostream2')], { attempts: 1, timeoutMs: 500 })).toMatchObject({ ok: false, retryable: true, noStream: true });
  });

  it('creates the stream idempotently with file storage, the given cap and a long duplicate window', async () => {
    await ensureUsageStream(bus, { maxBytes: TEST_STREAM_BYTES });
    const info = await ensureUsageStream(bus, { maxBytes: TEST_STREAM_BYTES });
    expect(info.config.max_bytes).toBe(TEST_STREAM_BYTES);
    expect(info.config.name).toBe(bus.subjects.streamName('usage'));
    expect(info.config.subjects).toEqual([bus.subjects.usageWildcard()]);
    expect(info.config.storage).toBe('file');
    expect(info.config.duplicate_window).toBeGreaterThanOrEqual(nanos(2 * 60 * 1000));
  });

  it('stores an event once even when published twice', async () => {
    const first = await publishUsage(bus, usageEvent('dup1'));
    const second = await publishUsage(bus, usageEvent('dup1'));
    expect(first).toMatchObject({ ok: true, duplicate: false });
    expect(second).toMatchObject({ ok: true, duplicate: true });
    const manager = await jetstreamManager(bus.nc);
    const info = await manager.streams.info(bus.subjects.streamName('usage'), { subjects_filter: bus.subjects.usage('dup1') });
    expect(info.state.subjects?.[bus.subjects.usage('dup1')]).toBe(1);
  });

  it('refuses an invalid event without throwing and without retrying', async () => {
    const result = await publishUsage(bus, { ...usageEvent('bad'), promptTokens: -1 });
    expect(result).toMatchObject({ ok: false, retryable: false });
    const dotted = await publishUsage(bus, usageEvent('a.b'));
    expect(dotted).toMatchObject({ ok: false, retryable: false });
  });

  it('delivers stored events to the durable consumer', async () => {
    await ensureUsageConsumer(bus, { ackWaitMs: 5000 });
    await ensureUsageConsumer(bus, { ackWaitMs: 5000 });
    for (const id of ['c1', 'c2', 'c3']) await publishUsage(bus, usageEvent(id));
    const puller = await openUsagePuller(bus);
    const seen: string[] = [];
    const started = performance.now();
    for await (const message of await puller.fetch(4, 5000)) {
      seen.push((message.json() as UsageEvent).requestId);
      message.ack();
    }
    console.log(`a full pull of 4 events returned in ${(performance.now() - started).toFixed(1)} ms`);
    expect(seen).toEqual(['dup1', 'c1', 'c2', 'c3']);
    // Acknowledged events are not delivered again.
    const again: string[] = [];
    for await (const message of await puller.fetch(4, 1000)) again.push(message.subject);
    expect(again).toEqual([]);
  });

  it('publishes many events as few lists, leaves out the invalid ones, and stores a re-sent list once', async () => {
    const events = Array.from({ length: 1100 }, (_, index) => usageEvent(`list${index}`));
    const withBad = [...events.slice(0, 10), { ...usageEvent('list-bad'), promptTokens: -1 }, ...events.slice(10)];
    const before = (await usageStreamState(bus))?.messages ?? 0;
    expect(await publishUsageEvents(bus, withBad)).toEqual({ ok: true, invalid: 1 });
    expect(await usageStreamState(bus)).toMatchObject({ messages: before + 3 });
    // The same lists again (a retry after a lost ack): the server drops them.
    expect(await publishUsageEvents(bus, events)).toEqual({ ok: true, invalid: 0 });
    expect(await usageStreamState(bus)).toMatchObject({ messages: before + 3 });

    const puller = await openUsagePuller(bus);
    const carried: string[] = [];
    for await (const message of await puller.fetch(3, 5000)) {
      expect(message.subject.startsWith(`${prefix}.usage.list.`)).toBe(true);
      carried.push(...decodeUsageMessage(message.json()).events.map((event) => event.requestId));
      message.ack();
    }
    expect(carried).toEqual(events.map((event) => event.requestId));
  });

  it('splits a list that would not fit in one message', async () => {
    const events = Array.from({ length: 500 }, (_, index) => usageEvent(`big${index}`, { alias: 'a'.repeat(200) }));
    const maxMessageBytes = 64 * 1024;
    const before = (await usageStreamState(bus))?.messages ?? 0;
    expect(await publishUsageEvents(bus, events, { maxMessageBytes })).toEqual({ ok: true, invalid: 0 });
    const messages = ((await usageStreamState(bus))?.messages ?? 0) - before;
    expect(messages).toBeGreaterThan(4);
    const puller = await openUsagePuller(bus);
    const carried: string[] = [];
    for await (const message of await puller.fetch(messages, 5000)) {
      expect(message.data.byteLength).toBeLessThanOrEqual(maxMessageBytes);
      carried.push(...decodeUsageMessage(message.json()).events.map((event) => event.requestId));
      message.ack();
    }
    expect(carried).toEqual(events.map((event) => event.requestId));
  });
});

describe('usage stream storage reservations', () => {
  const buses: Bus[] = [];
  const connect = async (label: string) => {
    const bus = await connectBus({ servers, name: `jetstream-storage-${label}`, prefix: `${label}${process.pid}${Math.random().toString(36).slice(2, 8)}` });
    buses.push(bus);
    return bus;
  };
  afterAll(async () => {
    for (const bus of buses) {
      await deleteUsageStream(bus);
      await bus.close();
    }
  });

  it('reserves nothing for a cap of 0', async () => {
    const bus = await connect('jsnocap');
    expect((await ensureUsageStream(bus, { maxBytes: 0 })).config.max_bytes).toBe(-1);
  });

  it('brings a stream created with other limits to the new cap, keeping its events and taking new ones', async () => {
    const bus = await connect('jsresize');
    await ensureUsageStream(bus, { maxBytes: 2 * TEST_STREAM_BYTES });
    expect(await publishUsage(bus, usageEvent('before-resize'))).toMatchObject({ ok: true });
    expect((await ensureUsageStream(bus, { maxBytes: TEST_STREAM_BYTES })).config.max_bytes).toBe(TEST_STREAM_BYTES);
    expect(await publishUsage(bus, usageEvent('after-resize'))).toMatchObject({ ok: true });
    expect((await usageStreamState(bus))?.messages).toBe(2);
  });

  it('says which setting to lower when the server has no room for the cap, creating or growing the stream', async () => {
    const fresh = await connect('jsfull');
    const created = await ensureUsageStream(fresh, { maxBytes: BEYOND_ANY_SERVER_BYTES }).catch((error: unknown) => error);
    expect(created).toBeInstanceOf(StorageReservationError);
    expect((created as Error).message).toMatch(/USAGE_STREAM_MAX_BYTES.*10047.*Lower USAGE_STREAM_MAX_BYTES \(0 reserves nothing\)/);
    expect(await usageStreamState(fresh)).toBeUndefined();

    const existing = await connect('jsgrow');
    await ensureUsageStream(existing, { maxBytes: TEST_STREAM_BYTES });
    await expect(ensureUsageStream(existing, { maxBytes: BEYOND_ANY_SERVER_BYTES })).rejects.toBeInstanceOf(StorageReservationError);
    // The stream keeps the cap it had and keeps working.
    expect(await publishUsage(existing, usageEvent('still-works'))).toMatchObject({ ok: true });
  });
});
