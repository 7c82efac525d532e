import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { usageEvent } from '@corral/protocol/testing';
import { connectBus, publishUsage, type Bus } from './index.ts';
import { startNatsRelay, type NatsRelay } from './testing/index.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `conntest${process.pid}`;

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a bus whose NATS connection drops and comes back', () => {
  let relay: NatsRelay;
  let bus: Bus;
  let direct: Bus;
  beforeAll(async () => {
    relay = await startNatsRelay(servers);
    bus = await connectBus({ servers: relay.url, name: 'connection-test', prefix });
    direct = await connectBus({ servers, name: 'connection-test-direct', prefix });
  });
  afterAll(async () => {
    await bus?.close();
    await direct?.close();
    await relay?.cut();
  });

  it('says it is disconnected at once, fails fast where a send would be lost, and tells when it is back', async () => {
    const schema = z.object({ n: z.number() });
    const subject = `${prefix}.echo`;
    direct.subscribe(subject, schema, (value, msg) => msg.respond(new TextEncoder().encode(JSON.stringify({ n: value.n + 1 }))));
    await direct.nc.flush();
    expect(bus.isConnected()).toBe(true);
    expect(await bus.request(subject, schema, { n: 1 }, schema)).toEqual({ n: 2 });

    let reconnects = 0;
    bus.onReconnect(() => reconnects++);
    await relay.cut();
    await until(() => !bus.isConnected());
    expect(await bus.waitForConnection(50)).toBe(false);

    // A usage publish cannot reach JetStream now: it says so at once instead of after its timeout.
    const published = await publishUsage(bus, usageEvent(`conn${process.pid}`), { attempts: 1, timeoutMs: 5000 });
    expect(published).toEqual({ ok: false, retryable: true, message: 'not connected to NATS', noStream: false });

    // A request made now waits for the connection rather than vanishing into a reconnect.
    const answer = bus.request(subject, schema, { n: 41 }, schema, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await relay.restore();
    expect(await answer).toEqual({ n: 42 });
    expect(bus.isConnected()).toBe(true);
    expect(reconnects).toBe(1);
    expect(await bus.waitForConnection(50)).toBe(true);
  });
});
