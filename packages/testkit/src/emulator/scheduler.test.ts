import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator.ts';
import { eventually, postJson, streamLines } from '../testing/index.ts';
import type { Emulator, EmulatorOptions } from './types.ts';

let emulator: Emulator | undefined;

async function start(options: EmulatorOptions): Promise<Emulator> {
  emulator = await startEmulator(options);
  return emulator;
}

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const hello = (content: string): Array<{ role: string; content: string }> => [{ role: 'user', content }];

async function ps(target: Emulator): Promise<Array<Record<string, unknown>>> {
  return ((await (await fetch(`${target.url}/api/ps`)).json()) as { models: Array<Record<string, unknown>> }).models;
}

/** Streams two chats at once and returns the order their chunks arrived in ("A", "B"). */
async function race(target: Emulator): Promise<string[]> {
  const order: string[] = [];
  const run = (name: string): Promise<number> =>
    streamLines(`${target.url}/api/chat`, { model: 'llama3.2', messages: hello(name) }, () => order.push(name));
  await Promise.all([run('A'), run('B')]);
  return order;
}

describe('parallel slots', () => {
  it('serves two requests one after the other with numParallel 1', async () => {
    const target = await start({ numParallel: 1, tokensPerReply: 8, tokenDelayMs: 2 });
    const order = await race(target);
    const first = order[0] as string;
    const switches = order.filter((name, index) => index > 0 && name !== order[index - 1]).length;
    expect(order).toHaveLength(18);
    expect(switches).toBe(1);
    expect(target.requests().map((request) => request.body)).toEqual([
      expect.objectContaining({ messages: hello(first) }),
      expect.objectContaining({ messages: hello(first === 'A' ? 'B' : 'A') }),
    ]);
  });

  it('interleaves streams when slots allow', async () => {
    const target = await start({ numParallel: 2, tokensPerReply: 12, tokenDelayMs: 10 });
    const order = await race(target);
    const switches = order.filter((name, index) => index > 0 && name !== order[index - 1]).length;
    expect(switches).toBeGreaterThan(1);
  });

  it('takes a new numParallel at runtime', async () => {
    const target = await start({ numParallel: 1, tokensPerReply: 12, tokenDelayMs: 10 });
    await postJson(`${target.url}/api/chat`, { model: 'llama3.2', messages: [] });
    target.setOptions({ numParallel: 4 });
    const order = await race(target);
    expect(order.filter((name, index) => index > 0 && name !== order[index - 1]).length).toBeGreaterThan(1);
  });

  it('handles 64 concurrent streams with a large numParallel', async () => {
    const target = await start({ numParallel: 64, tokensPerReply: 16 });
    const counts = await Promise.all(
      Array.from({ length: 64 }, async (_, index) => {
        let lines = 0;
        await streamLines(`${target.url}/api/chat`, { model: 'llama3.2', messages: hello(`n${index}`) }, () => lines++);
        return lines;
      }),
    );
    expect(counts).toEqual(Array.from({ length: 64 }, () => 17));
    expect(target.active()).toBe(0);
  });
});

describe('model loading', () => {
  it('reports the load time in load_duration', async () => {
    const target = await start({ loadDelayMs: 30 });
    const { body } = await postJson(`${target.url}/api/generate`, { model: 'llama3.2', prompt: 'hi', stream: false });
    expect(body.load_duration as number).toBeGreaterThanOrEqual(28e6);
    expect(body.total_duration as number).toBeGreaterThanOrEqual(body.load_duration as number);
  });

  it('loads one model at a time and answers 503 beyond maxQueue', async () => {
    const target = await start({ loadDelayMs: 250, maxQueue: 1 });
    const first = postJson(`${target.url}/api/generate`, { model: 'llama3.2', prompt: 'a', stream: false });
    await eventually(() => target.active() === 1);
    const second = postJson(`${target.url}/api/generate`, { model: 'codellama', prompt: 'b', stream: false });
    await eventually(() => target.active() === 2);
    const third = await postJson(`${target.url}/api/generate`, { model: 'qwen3', prompt: 'c', stream: false });
    expect(third).toEqual({
      status: 503,
      body: { error: 'server busy, please try again.  maximum pending requests exceeded' },
    });
    expect(target.loaded()).not.toContain('codellama:latest');
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(target.requests().map((request) => request.model)).toEqual(['qwen3', 'llama3.2', 'codellama']);
  });

  it('lets requests for a loading model wait for that load', async () => {
    const target = await start({ loadDelayMs: 50 });
    const results = await Promise.all(
      ['a', 'b', 'c'].map((prompt) => postJson(`${target.url}/api/generate`, { model: 'llama3.2', prompt, stream: false })),
    );
    expect(results.map((result) => result.status)).toEqual([200, 200, 200]);
    expect(target.loaded()).toEqual(['llama3.2:latest']);
  });
});

describe('keep_alive', () => {
  it('shows nothing in /api/ps before any load', async () => {
    const target = await start({});
    expect(await (await fetch(`${target.url}/api/ps`)).json()).toEqual({ models: [] });
  });

  it('lists loaded models by expiry, latest first, with context_length', async () => {
    const target = await start({});
    await postJson(`${target.url}/api/generate`, { model: 'llama3.2', keep_alive: '1h' });
    await postJson(`${target.url}/api/generate`, { model: 'qwen3', keep_alive: '2h' });
    await postJson(`${target.url}/api/generate`, { model: 'codellama', keep_alive: -1 });
    const models = await ps(target);
    expect(models.map((model) => model.name)).toEqual(['codellama:latest', 'qwen3:latest', 'llama3.2:latest']);
    const llama = models[2] as Record<string, unknown>;
    expect(Object.keys(llama)).toEqual(['name', 'model', 'size', 'digest', 'details', 'expires_at', 'size_vram', 'context_length']);
    expect(llama.context_length).toBe(4096);
    const expiresIn = Date.parse(llama.expires_at as string) - Date.now();
    expect(expiresIn).toBeGreaterThan(59 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);
    expect(new Date(models[0]?.expires_at as string).getFullYear()).toBeGreaterThan(2200);
  });

  it('unloads when the keep-alive expires after the last request', async () => {
    const target = await start({ keepAlive: '5m' });
    await postJson(`${target.url}/api/chat`, { model: 'llama3.2', messages: hello('x'), stream: false, keep_alive: '30ms' });
    expect(target.loaded()).toEqual(['llama3.2:latest']);
    await eventually(async () => (await ps(target)).length === 0);
    expect(target.loaded()).toEqual([]);
  });

  it('unloads right after a request with keep_alive 0', async () => {
    const target = await start({});
    await postJson(`${target.url}/api/chat`, { model: 'llama3.2', messages: hello('x'), stream: false, keep_alive: 0 });
    expect(target.loaded()).toEqual([]);
  });

  it('uses num_ctx from the loading request', async () => {
    const target = await start({});
    await postJson(`${target.url}/api/generate`, { model: 'llama3.2', options: { num_ctx: 8192 } });
    expect((await ps(target))[0]?.context_length).toBe(8192);
  });
});

describe('client disconnect', () => {
  it('stops generating, records the cancellation and frees the slot', async () => {
    const target = await start({ numParallel: 1, tokensPerReply: 500, tokenDelayMs: 5 });
    const controller = new AbortController();
    let received = 0;
    const stream = streamLines(`${target.url}/api/chat`, { model: 'llama3.2', messages: hello('long') }, () => {
      received++;
      if (received === 3) controller.abort();
    }, controller.signal);
    await expect(stream).rejects.toThrow();
    const cancelled = await target.waitFor((request) => request.cancelled);
    expect(cancelled).toMatchObject({ path: '/api/chat', status: 200, doneReason: null });
    expect(cancelled.evalCount).toBeGreaterThanOrEqual(3);
    expect(cancelled.evalCount).toBeLessThan(500);
    expect(target.cancellations()).toHaveLength(1);
    await eventually(() => target.active() === 0);
    target.setOptions({ tokensPerReply: 2 });
    expect((await postJson(`${target.url}/api/chat`, { model: 'llama3.2', messages: hello('next'), stream: false })).status).toBe(200);
  });

  it('records a cancellation while waiting for a slot', async () => {
    const target = await start({ numParallel: 1, tokensPerReply: 500, tokenDelayMs: 5 });
    const busy = new AbortController();
    const first = streamLines(`${target.url}/api/chat`, { model: 'llama3.2', messages: hello('busy') }, () => undefined, busy.signal);
    await eventually(() => target.active() === 1 && target.loaded().length === 1);
    const waiting = new AbortController();
    const second = fetch(`${target.url}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2', messages: hello('wait') }), signal: waiting.signal });
    await eventually(() => target.active() === 2);
    waiting.abort();
    await expect(second).rejects.toThrow();
    const cancelled = await target.waitFor((request) => request.cancelled);
    expect(cancelled).toMatchObject({ status: 499, evalCount: 0, content: '' });
    expect(target.active()).toBe(1);
    busy.abort();
    await expect(first).rejects.toThrow();
    await eventually(() => target.active() === 0);
  });

  it('aborts a load when its client leaves', async () => {
    const target = await start({ loadDelayMs: 10_000 });
    const controller = new AbortController();
    const request = fetch(`${target.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2', prompt: 'x' }), signal: controller.signal });
    await eventually(() => target.active() === 1);
    controller.abort();
    await expect(request).rejects.toThrow();
    expect(await target.waitFor((record) => record.cancelled)).toMatchObject({ status: 499 });
    expect(target.loaded()).toEqual([]);
  });
});
