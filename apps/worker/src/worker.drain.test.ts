import { startEmulator, type Emulator } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './testing/index.ts';

const chatBody = (text: string) => ({ model: 'llama3.2:latest', messages: [{ role: 'user', content: text }], stream: true });

describe('worker drain and stop', () => {
  let harness: Harness;
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ tokensPerReply: 20, tokenDelayMs: 15, numParallel: 4 });
    harness = await createHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
  });

  it('finishes the job in flight, refuses new ones with draining, then says goodbye', async () => {
    const worker = await harness.startWorker({ OLLAMA_URL: emulator.url, HEARTBEAT_INTERVAL_MS: '100' });
    const running = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('finish me') });
    await running.until((reply) => reply.type === 'chunk');
    expect(worker.inflight()).toBe(1);

    const drained = worker.drain();
    await harness.heartbeat(worker.workerId, (heartbeat) => heartbeat.draining && heartbeat.models.length > 0);
    const late = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('too late') });
    expect(await late.done).toEqual([
      { v: 1, type: 'refuse', requestId: late.requestId, workerId: worker.workerId, error: { code: 'draining', message: expect.any(String), retryable: true } },
    ]);

    const replies = await running.done;
    expect(replies.at(-1)?.type).toBe('final');
    const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('finish me'));
    expect(recorded.cancelled).toBe(false);
    await drained;
    expect(worker.inflight()).toBe(0);

    const goodbye = await harness.heartbeat(worker.workerId, (heartbeat) => heartbeat.models.length === 0);
    expect(goodbye).toMatchObject({ draining: true, inflight: 0 });
    expect(emulator.requests().some((request) => JSON.stringify(request.body).includes('too late'))).toBe(false);
  });

  it('aborts jobs still running when the drain timeout runs out', async () => {
    emulator.setOptions({ tokensPerReply: 500, tokenDelayMs: 20 });
    try {
      const worker = await harness.startWorker({ OLLAMA_URL: emulator.url, DRAIN_TIMEOUT_MS: '150' });
      const running = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('endless') });
      await running.until((reply) => reply.type === 'chunk');
      await worker.drain();
      const replies = await running.done;
      const last = replies.at(-1);
      expect(last?.type === 'error' && last.error).toMatchObject({ code: 'draining', retryable: false });
      const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('endless'));
      expect(recorded.cancelled).toBe(true);
    } finally {
      emulator.setOptions({ tokensPerReply: 20, tokenDelayMs: 15 });
    }
  });

  it('stop() aborts Ollama requests without replying, like a dying worker', async () => {
    emulator.setOptions({ tokensPerReply: 500, tokenDelayMs: 20 });
    try {
      const worker = await harness.startWorker({ OLLAMA_URL: emulator.url });
      const running = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('sudden death') });
      await running.until((reply) => reply.type === 'chunk');
      await worker.stop();
      const recorded = await emulator.waitFor((request) => request.cancelled && JSON.stringify(request.body).includes('sudden death'));
      expect(recorded.cancelled).toBe(true);
      expect(running.replies.some((reply) => reply.type === 'final' || reply.type === 'error')).toBe(false);
      expect(harness.heartbeats.filter((heartbeat) => heartbeat.workerId === worker.workerId).every((heartbeat) => !heartbeat.draining)).toBe(true);
      running.close();
    } finally {
      emulator.setOptions({ tokensPerReply: 20, tokenDelayMs: 15 });
    }
  });
});
