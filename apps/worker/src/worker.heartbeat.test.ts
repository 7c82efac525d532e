import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Heartbeat } from '@corral/protocol';
import { OLLAMA_VERSION, startEmulator, type Emulator } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './testing/index.ts';

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
      cordoned: false,
      upstreamVersion: OLLAMA_VERSION,
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
    const qwen = after.models.find((model) => model.name === 'qwen3:latest');
    expect(qwen?.loaded).toBe(false);
    expect(qwen).not.toHaveProperty('sizeVramBytes');
    expect(qwen).not.toHaveProperty('expiresAt');
    // What /api/ps says of the loaded model, its expiry as UTC ISO 8601.
    const ps = (await (await fetch(`${emulator.url}/api/ps`)).json()) as { models: Array<{ name: string; size_vram: number }> };
    const llama = after.models.find((model) => model.name === 'llama3.2:latest');
    expect(llama?.sizeVramBytes).toBeGreaterThan(0);
    expect(llama?.sizeVramBytes).toBe(ps.models.find((model) => model.name === 'llama3.2:latest')?.size_vram);
    expect(llama?.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Date.parse(llama!.expiresAt!)).toBeGreaterThan(after.sentAt);
  });
});

/** An Ollama whose /api/ps answers late, as on a host whose CPU is saturated. */
describe('worker heartbeats while Ollama answers slowly', () => {
  let harness: Harness;
  let server: Server;
  let url: string;
  let holdPs = false;
  const held: ServerResponse[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const send = (body: unknown) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (request.url === '/api/tags') return send({ models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest' }] });
      if (holdPs) return void held.push(response);
      return send({ models: [] });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    harness = await createHarness();
  });

  afterAll(async () => {
    await harness?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('keeps beating on time, healthy, while a poll waits for its answer', async () => {
    const worker = await harness.startWorker({ OLLAMA_URL: url, HEARTBEAT_INTERVAL_MS: '50', OLLAMA_UNRESPONSIVE_MS: '600000' });
    holdPs = true;
    const ownBeats = () => harness.heartbeats.filter((heartbeat) => heartbeat.workerId === worker.workerId);
    await waitUntil(() => held.length > 0);
    const beatsWhenHeld = ownBeats().length;
    // Three more heartbeats while the one poll is still unanswered: the poll no longer gates them.
    await harness.heartbeat(worker.workerId, () => ownBeats().length >= beatsWhenHeld + 3);
    expect(held).toHaveLength(1);
    expect(ownBeats().slice(beatsWhenHeld).every((heartbeat) => heartbeat.upstreamHealthy)).toBe(true);
    holdPs = false;
    for (const response of held.splice(0)) response.writeHead(200, { 'content-type': 'application/json' }).end('{"models":[]}');
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
