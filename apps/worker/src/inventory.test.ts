import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Inventory, SLOW_POLLS_TOLERATED } from './inventory.ts';
import { createOllamaClient, type OllamaClient } from './ollama-client.ts';

/** Generous, so a healthy answer is never late even on a loaded machine; a slow poll costs this much. */
const POLL_TIMEOUT_MS = 1000;

/** A stand-in Ollama whose /api/ps can be made slow or failing, to judge how polls are read. */
describe('Inventory health', () => {
  let server: Server;
  let client: OllamaClient;
  let psMode: 'ok' | 'slow' | 'error' = 'ok';

  beforeAll(async () => {
    server = createServer((request, response) => {
      const send = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (request.url === '/api/tags') return send(200, { models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest' }] });
      if (psMode === 'error') return send(500, { error: 'boom' });
      // A slow Ollama: no answer at all, so only the poll's own deadline ends the request.
      if (psMode === 'slow') return;
      return send(200, { models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest' }] });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = createOllamaClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxInflight: 2 });
  });
  afterAll(async () => {
    await client.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('stays healthy, with its last loaded flags, through a few slow polls, then turns unhealthy', async () => {
    psMode = 'ok';
    const inventory = new Inventory(client, { timeoutMs: POLL_TIMEOUT_MS });
    expect(await inventory.refresh()).toEqual({ healthy: true, models: [expect.objectContaining({ name: 'llama3.2:latest', loaded: true })] });
    psMode = 'slow';
    for (let poll = 1; poll <= SLOW_POLLS_TOLERATED; poll++) {
      expect(await inventory.refresh()).toEqual({ healthy: true, models: [expect.objectContaining({ loaded: true })] });
    }
    expect((await inventory.refresh()).healthy).toBe(false);
    psMode = 'ok';
    expect((await inventory.refresh()).healthy).toBe(true);
  });

  it('turns unhealthy at once when Ollama answers with an error', async () => {
    psMode = 'ok';
    const inventory = new Inventory(client, { timeoutMs: POLL_TIMEOUT_MS });
    expect((await inventory.refresh()).healthy).toBe(true);
    psMode = 'error';
    expect(await inventory.refresh()).toEqual({ healthy: false, models: [expect.objectContaining({ loaded: false })] });
  });

  it('does not call a worker healthy whose first poll was slow', async () => {
    psMode = 'slow';
    const inventory = new Inventory(client, { timeoutMs: POLL_TIMEOUT_MS });
    expect((await inventory.refresh()).healthy).toBe(false);
  });
});
