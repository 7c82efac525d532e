import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '@corral/testkit';

const onlyQwen = [{ name: 'qwen3:latest', capabilities: ['completion', 'tools', 'thinking'] }];
const llamaAndQwen = [
  { name: 'llama3.2:latest', capabilities: ['completion', 'tools'] },
  { name: 'qwen3:latest', capabilities: ['completion', 'tools', 'thinking'] },
];

describe('a fleet of workers', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('spreads load across two workers and routes a model found on only one worker there', async () => {
    stack = await startStack({ workers: [{ emulator: { models: llamaAndQwen, tokenDelayMs: 5 } }, { emulator: { models: onlyQwen, tokenDelayMs: 5 } }] });
    const client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0 });
    await Promise.all(
      Array.from({ length: 16 }, (_, index) => client.chat.completions.create({ model: 'qwen3', think: false, messages: [{ role: 'user', content: `spread ${index}` }] } as OpenAI.ChatCompletionCreateParamsNonStreaming)),
    );
    const [first, second] = stack.workers;
    const served = [first!.emulator.requests().length, second!.emulator.requests().length];
    expect(served[0]! + served[1]!).toBe(16);
    expect(served[0]).toBeGreaterThan(0);
    expect(served[1]).toBeGreaterThan(0);

    for (let index = 0; index < 4; index++) await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: `only one ${index}` }] });
    expect(first!.emulator.requests().filter((request) => request.model === 'llama3.2')).toHaveLength(4);
    expect(second!.emulator.requests().filter((request) => request.model === 'llama3.2')).toHaveLength(0);
  });

  it('ends the client stream with an error, not a hang, when its worker is killed mid-stream', async () => {
    stack = await startStack({ workers: [{ emulator: { tokenDelayMs: 50, tokensPerReply: 400 } }] });
    const client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'doomed' }], stream: true });
    let received = 0;
    const consume = (async () => {
      for await (const _chunk of stream) {
        if (++received === 3) stack!.workers[0]!.process.kill('SIGKILL');
      }
    })();
    await expect(consume).rejects.toThrow();
    expect(received).toBeGreaterThanOrEqual(3);
    expect(received).toBeLessThan(400);
  });

  it('retries on another worker when the chosen one fails before streaming anything', async () => {
    stack = await startStack({ workers: [{}, {}] });
    const client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0 });
    // One Ollama goes away while its worker still advertises it: its jobs fail before any byte.
    await stack.workers[0]!.emulator.close();
    for (let index = 0; index < 6; index++) {
      const completion = await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: `retry ${index}` }] });
      expect(completion.choices[0]!.message.content?.length).toBeGreaterThan(0);
    }
    expect(stack.workers[1]!.emulator.requests()).toHaveLength(6);
  });

  it('answers 503 with Retry-After when no worker is alive', async () => {
    stack = await startStack({ workers: [{}] });
    stack.workers[0]!.process.kill('SIGTERM');
    await stack.workers[0]!.process.exited;
    await stack.waitForWorkers(0);
    const response = await fetch(`${stack.edgeUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'anyone?' }] }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe('server_error');
  });

  it('is ready only while some worker can serve: a worker whose Ollama is down does not count', async () => {
    stack = await startStack({ workers: [{}] });
    const readiness = async () => {
      const response = await fetch(`${stack!.edgeUrl}/readyz`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await readiness()).toEqual({ status: 200, body: { status: 'ready', nats: 'connected', workers: 1, unavailableWorkers: 0 } });
    await stack.workers[0]!.emulator.close();
    await stack.waitForWorkers(0);
    expect(await readiness()).toEqual({ status: 503, body: { status: 'not_ready', nats: 'connected', workers: 0, unavailableWorkers: 1 } });
    expect((await fetch(`${stack.edgeUrl}/healthz`)).status).toBe(200);

    const client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0 });
    const refused = client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'anyone?' }] });
    await expect(refused).rejects.toMatchObject({ status: 503, message: expect.stringContaining("the Ollama behind every worker serving 'llama3.2' is not answering") });
  });

  it('lets an in-flight stream finish when its worker is drained with SIGTERM', async () => {
    stack = await startStack({ workers: [{ emulator: { tokenDelayMs: 20, tokensPerReply: 60 } }] });
    const client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'test', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'drain me' }], stream: true });
    let content = '';
    let received = 0;
    let finishReason: string | null | undefined;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishReason = chunk.choices[0].finish_reason;
      if (++received === 3) stack.workers[0]!.process.kill('SIGTERM');
    }
    expect(finishReason).toBe('stop');
    expect(content).toBe(stack.workers[0]!.emulator.requests().at(-1)!.content);
    expect(await stack.workers[0]!.process.exited).toBe(0);
  });
});
