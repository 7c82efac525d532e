import { startStack, type Stack } from '@corral/testkit';
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Ollama's native API on a fleet of two workers: the pipeline's routing and failover apply to it as to /v1. */
describe('/api/chat on a fleet', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: [{}, {}] });
  });
  afterAll(async () => stack?.close());

  it('fails over before the first chunk, then answers 503 with Retry-After in Ollama shape when no worker is left', async () => {
    const client = new Ollama({ host: stack.edgeUrl });
    // One Ollama goes away while its worker still advertises it: its jobs fail before any byte.
    await stack.workers[0]!.emulator.close();
    for (let index = 0; index < 4; index++) {
      let content = '';
      for await (const part of await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: `retry ${index}` }], stream: true })) content += part.message.content;
      expect(content.length).toBeGreaterThan(0);
    }
    expect(stack.workers[1]!.emulator.requests()).toHaveLength(4);

    for (const worker of stack.workers) worker.process.kill('SIGTERM');
    await Promise.all(stack.workers.map((worker) => worker.process.exited));
    await stack.waitForWorkers(0);
    const response = await fetch(`${stack.edgeUrl}/api/chat`, { method: 'POST', body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'anyone?' }] }) });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Object.keys((await response.json()) as object)).toEqual(['error']);
  });
});
