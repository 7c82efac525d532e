import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  port: number;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** Requests received so far; proves a refused fetch never reached the server. */
  hits: () => number;
  close: () => Promise<void>;
}

/** A throwaway HTTP server on 127.0.0.1 with an ephemeral port. */
export async function startServer(handler: RequestListener): Promise<TestServer> {
  let hits = 0;
  const server = createServer((request, response) => {
    hits += 1;
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Eight bytes that start every PNG; enough body for a content-type test. */
export const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
