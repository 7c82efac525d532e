import { connectBus, deleteUsageStream, ensureUsageStream, usageStreamState, type Bus } from '@corral/bus';
import { usageEvent } from '@corral/protocol/testing';
import { startNatsServer, type NatsServer } from '@corral/testkit';
import { TEST_STORAGE_LIMITS } from '@corral/testkit/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUsagePublisher, type PublisherLogger } from './publisher.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function capture(): PublisherLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (_details, message) => lines.push(`warn ${message}`), error: (_details, message) => lines.push(`error ${message}`) };
}

async function storedCount(bus: Bus): Promise<number> {
  return (await usageStreamState(bus))?.messages ?? 0;
}

describe('usage publisher on a real NATS server', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'publisher-test', prefix: `tpub${process.pid}${Math.random().toString(36).slice(2, 8)}` });
  });
  afterAll(async () => {
    await deleteUsageStream(bus);
    await bus.close();
  });

  it('buffers while the stream is missing, then stores every event exactly once', async () => {
    const logger = capture();
    const publisher = createUsagePublisher(bus, { logger, retryDelayMs: 20 });
    const started = performance.now();
    for (let index = 0; index < 300; index++) publisher.record(usageEvent(`early${index}`));
    console.log(`record() of 300 events returned in ${(performance.now() - started).toFixed(2)} ms`);
    expect(publisher.pending()).toBe(300);
    expect((await publisher.flush(300)).pending).toBe(300);
    expect(logger.lines).toContain('warn cannot publish usage yet; buffering and retrying');
    // No stream, no accounting: a batch unit's wait for its events ends, and they stay buffered.
    await publisher.recordAll([usageEvent('early-list0'), usageEvent('early-list1')]);
    expect(publisher.pending()).toBe(302);

    await ensureUsageStream(bus, { maxBytes: TEST_STORAGE_LIMITS.usageStreamMaxBytes });
    for (let index = 0; index < 200; index++) publisher.record(usageEvent(`late${index}`));
    const flushStarted = performance.now();
    expect(await publisher.flush(10_000)).toEqual({ pending: 0 });
    console.log(`flushed 502 events after the stream appeared in ${(performance.now() - flushStarted).toFixed(0)} ms`);
    // 500 single events and one list of two.
    expect(await storedCount(bus)).toBe(501);
    expect(logger.lines).toContain('warn usage publishing recovered');

    // The same request recorded again is dropped by the stream's deduplication.
    publisher.record(usageEvent('early0'));
    await publisher.flush();
    expect(await storedCount(bus)).toBe(501);
  });

  it('publishes a list of events as few messages, and recordAll resolves once JetStream stored them', async () => {
    const logger = capture();
    const publisher = createUsagePublisher(bus, { logger });
    const before = await storedCount(bus);
    const events = Array.from({ length: 600 }, (_, index) => usageEvent(`unit${index}`));
    expect(publisher.recordAll([])).toBeInstanceOf(Promise);
    const recorded = publisher.recordAll(events);
    expect(publisher.pending()).toBe(600);
    await recorded;
    // 500 and 100: the most a message carries, then the rest.
    expect(await storedCount(bus)).toBe(before + 2);
    expect(publisher.pending()).toBe(0);
    expect(logger.lines).toEqual([]);
  });

  it('drops an invalid event with a log line instead of retrying it forever', async () => {
    const logger = capture();
    const publisher = createUsagePublisher(bus, { logger });
    publisher.record({ ...usageEvent('bad'), httpStatus: 42 });
    expect(await publisher.flush(2000)).toEqual({ pending: 0 });
    expect(logger.lines).toEqual(['error dropping an invalid usage event']);
  });

  it('publishes an event whatever model name the client sent, bounded and storable', async () => {
    const logger = capture();
    const publisher = createUsagePublisher(bus, { logger });
    const before = await storedCount(bus);
    publisher.record({ ...usageEvent('long-model'), alias: 'm'.repeat(10_000), model: 'm'.repeat(10_000) });
    publisher.record({ ...usageEvent('nul-model'), alias: 'llama\u0000', model: 'llama\u0000', errorCode: 'e'.repeat(500) });
    expect(await publisher.flush(5000)).toEqual({ pending: 0 });
    expect(logger.lines).toEqual([]);
    expect(await storedCount(bus)).toBe(before + 2);
  });

  it('keeps the buffer bounded by dropping the oldest events', async () => {
    const logger = capture();
    const publisher = createUsagePublisher(bus, { logger, maxBuffered: 10, concurrency: 1 });
    for (let index = 0; index < 15; index++) publisher.record(usageEvent(`bounded${index}`));
    expect(publisher.pending()).toBe(10);
    expect(logger.lines.filter((line) => line.includes('usage buffer full'))).toHaveLength(5);
    await publisher.flush();
  });
});

describe('usage publisher across a NATS server restart', () => {
  let nats: NatsServer;
  let bus: Bus;
  beforeAll(async () => {
    nats = await startNatsServer();
    bus = await connectBus({ servers: nats.url, name: 'publisher-restart-test', prefix: `tpubr${process.pid}` });
    await ensureUsageStream(bus, { maxBytes: TEST_STORAGE_LIMITS.usageStreamMaxBytes });
  });
  afterAll(async () => {
    await bus?.close();
    await nats?.close();
  });

  it('keeps what is recorded while NATS is down and stores it as soon as NATS is back, not after its backoff', async () => {
    const logger = capture();
    // A first pause far longer than the flush below waits: only the reconnect can cut it short.
    const publisher = createUsagePublisher(bus, { logger, retryDelayMs: 120_000, maxRetryDelayMs: 120_000 });
    publisher.record(usageEvent('before'));
    expect(await publisher.flush()).toEqual({ pending: 0 });

    await nats.stop();
    for (let index = 0; index < 50; index++) publisher.record(usageEvent(`during${index}`));
    await vi.waitFor(() => expect(logger.lines).toContain('warn cannot publish usage yet; buffering and retrying'), { timeout: 20_000, interval: 50 });
    expect(publisher.pending()).toBe(50);

    await nats.start();
    expect(await bus.waitForConnection(10_000)).toBe(true);
    const reconnected = performance.now();
    expect(await publisher.flush(10_000)).toEqual({ pending: 0 });
    console.log(`50 events buffered during a NATS restart stored ${(performance.now() - reconnected).toFixed(0)} ms after the reconnect`);
    expect(await storedCount(bus)).toBe(51);
  });

  it('holds a recordAll open while NATS is down and settles it once the list is stored', async () => {
    const logger = capture();
    const publisher = createUsagePublisher(bus, { logger, retryDelayMs: 120_000, maxRetryDelayMs: 120_000 });
    const before = await storedCount(bus);
    await nats.stop();
    let settled = false;
    const recorded = publisher.recordAll(Array.from({ length: 20 }, (_, index) => usageEvent(`down-unit${index}`))).then(() => (settled = true));
    await vi.waitFor(() => expect(logger.lines).toContain('warn cannot publish usage yet; buffering and retrying'), { timeout: 20_000, interval: 50 });
    expect(settled).toBe(false);
    expect(publisher.pending()).toBe(20);

    await nats.start();
    expect(await bus.waitForConnection(10_000)).toBe(true);
    await recorded;
    expect(await storedCount(bus)).toBe(before + 1);
  });
});
