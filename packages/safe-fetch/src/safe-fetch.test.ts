import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SafeFetchError } from './errors.ts';
import { safeFetch } from './safe-fetch.ts';
import { pngBytes, startServer, type TestServer } from './testing/index.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const started = await startServer(handler);
  servers.push(started);
  return started;
}

async function failure(promise: Promise<unknown>): Promise<SafeFetchError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SafeFetchError);
  return error as SafeFetchError;
}

let image: TestServer;
beforeAll(async () => {
  image = await startServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'image/png; charset=binary' });
    response.end(pngBytes);
  });
});
afterAll(() => image.close());

describe('address policy', () => {
  it('refuses loopback by default without sending a request', async () => {
    const hitsBefore = image.hits();
    const error = await failure(safeFetch(`${image.origin}/a.png`));
    expect(error.code).toBe('blocked_address');
    expect(image.hits()).toBe(hitsBefore);
  });

  it('fetches loopback when allowPrivate is set', async () => {
    const result = await safeFetch(`${image.origin}/a.png`, { allowPrivate: true });
    expect(result).toEqual({ bytes: pngBytes, contentType: 'image/png', finalUrl: `${image.origin}/a.png` });
  });

  it('fetches a host:port named in allowedHosts', async () => {
    const result = await safeFetch(`${image.origin}/a.png`, { allowedHosts: [`127.0.0.1:${image.port}`] });
    expect(result.bytes).toEqual(pngBytes);
  });

  it('refuses localhost, even with its port allowed on 127.0.0.1', async () => {
    const hitsBefore = image.hits();
    for (const host of ['localhost', 'LOCALHOST', 'localhost.', 'images.localhost']) {
      const error = await failure(safeFetch(`http://${host}:${image.port}/a.png`, { allowedHosts: [`127.0.0.1:${image.port}`] }));
      expect(error.code).toBe('blocked_address');
    }
    expect(image.hits()).toBe(hitsBefore);
  });

  it.each([
    'http://2130706433:PORT/',
    'http://0x7f.1:PORT/',
    'http://0x7f000001:PORT/',
    'http://0177.0.0.1:PORT/',
    'http://127.1:PORT/',
    'http://%31%32%37.0.0.1:PORT/',
    'http://[::ffff:127.0.0.1]:PORT/',
    'http://[::ffff:7f00:1]:PORT/',
    'http://[::127.0.0.1]:PORT/',
    'http://[::1]:PORT/',
    'http://[0:0:0:0:0:0:0:1]:PORT/',
    'http://0:PORT/',
    'http://0.0.0.0:PORT/',
    'http://[::]:PORT/',
    'http://169.254.169.254/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://[fd00:ec2::254]/',
  ])('refuses the obfuscated or internal address %s', async (template) => {
    const hitsBefore = image.hits();
    const error = await failure(safeFetch(template.replace('PORT', String(image.port))));
    expect(error.code).toBe('blocked_address');
    expect(image.hits()).toBe(hitsBefore);
  });

  it('keeps cloud metadata refused when allowPrivate is set', async () => {
    const error = await failure(safeFetch('http://169.254.169.254/latest/meta-data/', { allowPrivate: true, timeoutMs: 1000 }));
    expect(error.code).toBe('blocked_address');
  });
});

describe('redirects', () => {
  it('follows a redirect and reports the final URL', async () => {
    const start = await server((_request, response) => {
      response.writeHead(302, { location: `${image.origin}/final.png` });
      response.end();
    });
    const result = await safeFetch(`${start.origin}/start`, { allowPrivate: true });
    expect(result.finalUrl).toBe(`${image.origin}/final.png`);
    expect(result.bytes).toEqual(pngBytes);
  });

  it('re-checks every hop: an allowed host:port cannot redirect to another loopback port', async () => {
    const hitsBefore = image.hits();
    const start = await server((_request, response) => {
      response.writeHead(301, { location: `${image.origin}/secret.png` });
      response.end();
    });
    const error = await failure(safeFetch(`${start.origin}/start`, { allowedHosts: [`127.0.0.1:${start.port}`] }));
    expect(error.code).toBe('blocked_address');
    expect(start.hits()).toBe(1);
    expect(image.hits()).toBe(hitsBefore);
  });

  it('refuses a redirect to a non-http scheme or to a URL with credentials', async () => {
    const locations = ['file:///etc/passwd', `http://user:pass@127.0.0.1:${image.port}/a.png`];
    const start = await server((request, response) => {
      response.writeHead(307, { location: locations[Number(request.url?.slice(1))] });
      response.end();
    });
    for (const index of [0, 1]) {
      const error = await failure(safeFetch(`${start.origin}/${index}`, { allowPrivate: true }));
      expect(error.code).toBe('invalid_url');
    }
  });

  it('gives up after maxRedirects', async () => {
    const loop = await server((request, response) => {
      response.writeHead(302, { location: `/${Number(request.url?.slice(1)) + 1}` });
      response.end();
    });
    const error = await failure(safeFetch(`${loop.origin}/0`, { allowPrivate: true, maxRedirects: 2 }));
    expect(error.code).toBe('too_many_redirects');
    expect(loop.hits()).toBe(3);
  });

  it('treats a redirect without Location as a bad status', async () => {
    const broken = await server((_request, response) => {
      response.writeHead(302);
      response.end();
    });
    expect((await failure(safeFetch(broken.origin, { allowPrivate: true }))).code).toBe('bad_status');
  });
});

describe('response checks', () => {
  it('refuses a declared Content-Length above maxBytes', async () => {
    const big = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(1024 * 1024) });
      response.end(Buffer.alloc(1024 * 1024));
    });
    const error = await failure(safeFetch(big.origin, { allowPrivate: true, maxBytes: 1000 }));
    expect(error.code).toBe('too_large');
  });

  it('stops reading a streamed body once it passes maxBytes', async () => {
    let chunksWritten = 0;
    const endless = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      // No Content-Length and no end: only the streaming cap can stop this.
      const timer = setInterval(() => {
        chunksWritten += 1;
        response.write(Buffer.alloc(16 * 1024));
      }, 1);
      response.on('close', () => clearInterval(timer));
    });
    const error = await failure(safeFetch(endless.origin, { allowPrivate: true, maxBytes: 64 * 1024, timeoutMs: 20_000 }));
    expect(error.code).toBe('too_large');
    expect(chunksWritten).toBeGreaterThanOrEqual(4);
  });

  it('accepts a body of exactly maxBytes', async () => {
    const result = await safeFetch(image.origin, { allowPrivate: true, maxBytes: pngBytes.byteLength });
    expect(result.bytes.byteLength).toBe(pngBytes.byteLength);
  });

  it('times out a server that never finishes', async () => {
    const stalled = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.write(pngBytes);
    });
    const error = await failure(safeFetch(stalled.origin, { allowPrivate: true, timeoutMs: 100 }));
    expect(error.code).toBe('timeout');
  });

  it('times out a server that never answers', async () => {
    const silent = await server(() => undefined);
    const error = await failure(safeFetch(silent.origin, { allowPrivate: true, timeoutMs: 100 }));
    expect(error.code).toBe('timeout');
  });

  it.each([
    ['text/html', 'bad_content_type'],
    ['application/octet-stream', 'bad_content_type'],
    ['image/svg+xml', 'bad_content_type'],
    [undefined, 'bad_content_type'],
  ])('refuses Content-Type %s', async (contentType, code) => {
    const wrong = await server((_request, response) => {
      response.writeHead(200, contentType === undefined ? {} : { 'content-type': contentType });
      response.end('<html></html>');
    });
    expect((await failure(safeFetch(wrong.origin, { allowPrivate: true }))).code).toBe(code);
  });

  it('honours a custom allowedContentTypes list', async () => {
    const text = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'Text/Plain; charset=utf-8' });
      response.end('hello');
    });
    const result = await safeFetch(text.origin, { allowPrivate: true, allowedContentTypes: ['text/plain'] });
    expect(result.contentType).toBe('text/plain');
    expect(new TextDecoder().decode(result.bytes)).toBe('hello');
  });

  it('refuses a non-2xx status', async () => {
    const missing = await server((_request, response) => {
      response.writeHead(404, { 'content-type': 'image/png' });
      response.end();
    });
    expect((await failure(safeFetch(missing.origin, { allowPrivate: true }))).code).toBe('bad_status');
  });

  it('reports a refused connection as a network error', async () => {
    const closed = await startServer(() => undefined);
    await closed.close();
    expect((await failure(safeFetch(closed.origin, { allowPrivate: true }))).code).toBe('network');
  });
});
