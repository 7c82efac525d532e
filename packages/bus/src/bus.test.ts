import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectBus, type Bus } from './index.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `bustest${process.pid}`;

describe('bus on a real NATS server', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'bus-test', prefix });
  });
  afterAll(async () => bus.close());

  it('publishes and subscribes with validation, dropping invalid messages', async () => {
    const schema = z.object({ n: z.number() });
    const seen: number[] = [];
    const invalid: unknown[] = [];
    const subject = `${prefix}.test.validated`;
    bus.subscribe(subject, schema, (value) => seen.push(value.n), { onInvalid: (error) => invalid.push(error) });
    await bus.nc.flush();
    bus.publish(subject, schema, { n: 1 });
    bus.publishRaw(subject, '{"n":"not a number"}');
    bus.publish(subject, schema, { n: 2 });
    await bus.nc.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([1, 2]);
    expect(invalid).toHaveLength(1);
  });

  it('streams many replies to one request through the shared inbox', async () => {
    const subject = `${prefix}.test.stream`;
    bus.nc.subscribe(subject, {
      callback: (_error, msg) => {
        for (let i = 0; i < 5; i++) msg.respond(new TextEncoder().encode(String(i)));
      },
    });
    await bus.nc.flush();
    const received: string[] = [];
    await new Promise<void>((resolve) => {
      const stream = bus.openStream(subject, 'go', (data) => {
        received.push(new TextDecoder().decode(data));
        if (received.length === 5) {
          stream.close();
          resolve();
        }
      });
    });
    expect(received).toEqual(['0', '1', '2', '3', '4']);
  });

  it('keeps queue-group subscribers exclusive', async () => {
    const subject = `${prefix}.test.queue`;
    const schema = z.object({ i: z.number() });
    const counts = [0, 0];
    bus.subscribe(subject, schema, () => counts[0]!++, { queue: 'q' });
    bus.subscribe(subject, schema, () => counts[1]!++, { queue: 'q' });
    await bus.nc.flush();
    for (let i = 0; i < 40; i++) bus.publish(subject, schema, { i });
    await bus.nc.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(counts[0]! + counts[1]!).toBe(40);
  });
});

describe('no responders', () => {
  it('tells a stream opener at once that nobody listens on the subject', async () => {
    const bus = await connectBus({ servers, name: 'bus-test-nr', prefix: `${prefix}nr` });
    try {
      const status = await new Promise<{ noResponders: boolean }>((resolve) => {
        const stream = bus.openStream(`${prefix}.nobody.home`, 'hello', (_data, replyStatus) => {
          stream.close();
          resolve(replyStatus);
        });
      });
      expect(status.noResponders).toBe(true);
    } finally {
      await bus.close();
    }
  });
});
