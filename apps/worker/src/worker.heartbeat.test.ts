import type { Heartbeat } from '@corral/protocol';
import { startEmulator, type Emulator } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './test-harness.ts';

describe('worker heartbeats', () => {
  let harness: Harness;
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ tokensPerReply: 3 });
    harness = await createHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
  });

  it('announces the worker at startup with its models, limits and load', async () => {
    const worker = await harness.startWorker({
      OLLAMA_URL: emulator.url,
      HEARTBEAT_INTERVAL_MS: '100',
      WORKER_CAPACITY: '3',
      WORKER_MAX_INFLIGHT: '7',
    });
    // startWorker resolves after the first heartbeat went out.
    const first = await harness.heartbeat(worker.workerId);
    expect(first).toMatchObject({
      v: 1,
      upstream: emulator.url,
      capacity: 3,
      maxInflight: 7,
      inflight: 0,
      draining: false,
      upstreamHealthy: true,
      intervalMs: 100,
    });
    const names = first.models.map((model) => model.name);
    expect(names).toEqual(expect.arrayContaining(['llama3.2:latest', 'qwen3:latest', 'all-minilm:latest']));
    expect(first.models.find((model) => model.name === 'qwen3:latest')).toMatchObject({
      loaded: false,
      capabilities: expect.arrayContaining(['completion', 'tools', 'thinking']),
      family: 'qwen3',
      parameterSize: '8.2B',
      quantization: 'Q4_K_M',
    });
    expect(first.models.find((model) => model.name === 'all-minilm:latest')?.capabilities).toContain('embedding');
  });

  it('flags a model as loaded once Ollama has it in memory', async () => {
    const worker = await harness.startWorker({ OLLAMA_URL: emulator.url, HEARTBEAT_INTERVAL_MS: '50' });
    const before = await harness.heartbeat(worker.workerId);
    expect(before.models.find((model) => model.name === 'llama3.2:latest')?.loaded).toBe(false);

    const call = harness.submit(worker.workerId, {
      kind: 'chat',
      model: 'llama3.2:latest',
      body: { model: 'llama3.2:latest', messages: [{ role: 'user', content: 'load it' }], stream: true },
    });
    await call.done;
    expect(emulator.loaded()).toContain('llama3.2:latest');
    // A poll may have started before the load; a later heartbeat must show it (the wait fails if none does).
    const isLoaded = (name: string) => (heartbeat: Heartbeat) => heartbeat.models.some((model) => model.name === name && model.loaded);
    const after = await harness.heartbeat(worker.workerId, isLoaded('llama3.2:latest'));
    expect(after.models.find((model) => model.name === 'qwen3:latest')?.loaded).toBe(false);
  });
});
