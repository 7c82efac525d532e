import { startEmulator, startNatsServer, type Emulator, type NatsServer } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './testing/index.ts';

const TOKENS = 2000;

/** A private nats-server, so the worker's connection can be lost without disturbing other tests. */
describe('a worker that loses its NATS connection mid-stream', () => {
  let nats: NatsServer;
  let harness: Harness;
  let emulator: Emulator;

  beforeAll(async () => {
    nats = await startNatsServer();
    // 2000 tokens at 10 ms: 20 s of generation, far longer than the wait below.
    emulator = await startEmulator({ tokensPerReply: TOKENS, tokenDelayMs: 10 });
    harness = await createHarness({ natsUrl: nats.url });
  });
  afterAll(async () => {
    if (nats && !nats.running()) await nats.start();
    await harness?.close();
    await emulator?.close();
    await nats?.close();
  });

  it('stops generating (Ollama sees the abort) instead of streaming replies nobody can receive', async () => {
    const { workerId } = await harness.startWorker({ OLLAMA_URL: emulator.url, KEEPALIVE_INTERVAL_MS: '5000' });
    const call = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: { model: 'llama3.2:latest', messages: [{ role: 'user', content: 'into the void' }], stream: true } });
    await call.until((reply) => reply.type === 'chunk');

    await nats.stop();
    const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('into the void'), 10_000);
    expect(recorded.cancelled).toBe(true);
    expect(recorded.evalCount).toBeLessThan(TOKENS);
    call.close();
  });
});
