import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inventory } from './inventory.ts';
import { createOllamaClient, type OllamaClient } from './client.ts';

/** Generous, so a healthy answer is never late even on a loaded machine; a silent poll costs this much. */
const UNRESPONSIVE_AFTER_MS = 1000;

/** A stand-in Ollama whose /api/ps can be made slow or failing, to judge how polls are read. */
describe('Inventory health', () => {
  let server: Server;
  let client: OllamaClient;
  let psMode: 'ok' | 'slow' | 'silent' | 'error' = 'ok';
  /** Answers held back while psMode is 'slow', released by the test. */
  const heldAnswers: Array<() => void> = [];
  let silentPolls = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const send = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (request.url === '/api/tags') return send(200, { models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest' }] });
      if (psMode === 'error') return send(500, { error: 'boom' });
      const answer = () => send(200, { models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest' }] });
      // A silent Ollama: no answer at all, so only the poll's own deadline ends the request.
      if (psMode === 'silent') return void silentPolls++;
      // A slow Ollama: it answers, but only when the test says so.
      if (psMode === 'slow') return void heldAnswers.push(answer);
      return answer();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = createOllamaClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxInflight: 2 });
  });
  afterAll(async () => {
    await client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('stays healthy through a slow answer: latency under load is not a failure', async () => {
    psMode = 'ok';
    const inventory = new Inventory(client, { unresponsiveAfterMs: 60_000 });
    expect((await inventory.refresh()).healthy).toBe(true);
    psMode = 'slow';
    const poll = inventory.refresh();
    await waitFor(() => heldAnswers.length === 1);
    // While the answer is outstanding the last inventory stands.
    expect(inventory.current()).toEqual({ healthy: true, models: [expect.objectContaining({ loaded: true })] });
    heldAnswers.shift()!();
    expect(await poll).toEqual({ healthy: true, models: [expect.objectContaining({ loaded: true })] });
  });

  it('turns unhealthy when Ollama answers nothing, no poll and no job, for the whole deadline', async () => {
    psMode = 'ok';
    const inventory = new Inventory(client, { unresponsiveAfterMs: UNRESPONSIVE_AFTER_MS });
    expect((await inventory.refresh()).healthy).toBe(true);
    psMode = 'silent';
    // The silent poll keeps the last loaded flags; it is the silence that makes it unhealthy.
    expect(await inventory.refresh()).toEqual({ healthy: false, models: [expect.objectContaining({ loaded: true })] });
    psMode = 'ok';
    expect((await inventory.refresh()).healthy).toBe(true);
  });

  it('counts a job answered during a silent poll as proof of life', async () => {
    psMode = 'ok';
    const inventory = new Inventory(client, { unresponsiveAfterMs: UNRESPONSIVE_AFTER_MS });
    expect((await inventory.refresh()).healthy).toBe(true);
    psMode = 'silent';
    const silentBefore = silentPolls;
    const poll = inventory.refresh();
    await waitFor(() => silentPolls > silentBefore);
    // A generation streams while /api/ps is stuck behind the busy host.
    inventory.noteAnswer();
    expect((await poll).healthy).toBe(true);
  });

  it('turns unhealthy at once when Ollama answers with an error', async () => {
    psMode = 'ok';
    const inventory = new Inventory(client, { unresponsiveAfterMs: UNRESPONSIVE_AFTER_MS });
    expect((await inventory.refresh()).healthy).toBe(true);
    psMode = 'error';
    expect(await inventory.refresh()).toEqual({ healthy: false, models: [expect.objectContaining({ loaded: false })] });
  });

  it('does not call a worker healthy whose first poll got no answer', async () => {
    psMode = 'silent';
    const inventory = new Inventory(client, { unresponsiveAfterMs: UNRESPONSIVE_AFTER_MS });
    expect((await inventory.refresh()).healthy).toBe(false);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
