import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A throwaway HTTP server on 127.0.0.1 that serves test images and redirects, counting every hit. */

export interface ImageServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** `127.0.0.1:<port>`, the form IMAGE_FETCH_ALLOWED_HOSTS takes. */
  readonly host: string;
  /** Requests received so far: proves a refused fetch never reached the server. */
  hits(): number;
  close(): Promise<void>;
}

export interface Route {
  status?: number;
  contentType?: string;
  body?: Uint8Array;
  location?: string;
  /** The answer waits for this (a test holds a download open). */
  release?: Promise<void>;
}

export async function startImageServer(routes: Record<string, Route | (() => Route)>): Promise<ImageServer> {
  let hits = 0;
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    hits += 1;
    const entry = routes[request.url ?? ''];
    const route = typeof entry === 'function' ? entry() : entry;
    if (route === undefined) {
      response.writeHead(404).end();
      return;
    }
    await route.release;
    const headers: Record<string, string> = {};
    if (route.contentType !== undefined) headers['content-type'] = route.contentType;
    if (route.location !== undefined) headers.location = route.location;
    response.writeHead(route.status ?? 200, headers).end(route.body === undefined ? undefined : Buffer.from(route.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bytes that start like a PNG, with a distinct tail so several test images differ. */
export function pngLike(tail: string, size = 0): Uint8Array {
  const header = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  const text = Buffer.from(tail);
  const padding = Math.max(0, size - header.length - text.length);
  return new Uint8Array([...header, ...text, ...new Array<number>(padding).fill(0)]);
}
