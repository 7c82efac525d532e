import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { addressRefusal } from './address.ts';
import { createGuardedAgent } from './guarded-agent.ts';
import { pngBytes, startServer, type TestServer } from './testing/index.ts';

let image: TestServer;
beforeAll(async () => {
  image = await startServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png' });
    response.end(pngBytes);
  });
});
afterAll(() => image.close());

describe('createGuardedAgent', () => {
  it('connects a name to its pinned address without asking DNS again', async () => {
    // pinned.invalid does not exist in DNS: the request can only succeed through the pin.
    const agent = createGuardedAgent('pinned.invalid', [{ address: '127.0.0.1', family: 4 }], () => undefined);
    try {
      const response = await request(`http://pinned.invalid:${image.port}/`, { dispatcher: agent });
      expect(new Uint8Array(await response.body.arrayBuffer())).toEqual(pngBytes);
    } finally {
      await agent.destroy();
    }
  });

  it('refuses the connection when the peer turns out to be a blocked address', async () => {
    // Stands in for a DNS answer that changed between the check and the connection.
    const hitsBefore = image.hits();
    const agent = createGuardedAgent('rebound.invalid', [{ address: '127.0.0.1', family: 4 }], (address) => addressRefusal(address, false));
    try {
      await expect(request(`http://rebound.invalid:${image.port}/`, { dispatcher: agent })).rejects.toMatchObject({ code: 'blocked_address' });
      expect(image.hits()).toBe(hitsBefore);
    } finally {
      await agent.destroy();
    }
  });

  it('refuses to look up any other name', async () => {
    const agent = createGuardedAgent('pinned.invalid', [{ address: '127.0.0.1', family: 4 }], () => undefined);
    try {
      await expect(request(`http://other.invalid:${image.port}/`, { dispatcher: agent })).rejects.toMatchObject({ code: 'blocked_address' });
    } finally {
      await agent.destroy();
    }
  });
});
