import { startStack, type Stack } from '@corral/testkit';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSseFrames } from './sse-frames.ts';

const allowedOrigin = 'https://chat.example.test';

/** What browsers and loosely written clients send: CORS preflights, cross-origin calls, doubled slashes. */
describe('the edge for browsers and loose clients', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 4 } }], edgeEnv: { CORS_ORIGINS: `${allowedOrigin}, https://other.example.test` } });
  });
  afterAll(async () => stack?.close());

  const chat = (headers: Record<string, string>, stream = false) =>
    fetch(`${stack.edgeUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test', ...headers },
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'from a browser' }], stream }),
    });

  it('answers a preflight from an allowed origin with what the browser asked for', async () => {
    const response = await fetch(`${stack.edgeUrl}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: allowedOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-stainless-os' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization, content-type, x-stainless-os');
    // The answer depends on both request headers, so a cache must key on both.
    expect(response.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers');
  });

  it('lets an allowed origin read answers, streamed or not, and their request id', async () => {
    const plain = await chat({ origin: allowedOrigin });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(plain.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(((await plain.json()) as { object: string }).object).toBe('chat.completion');

    const streamed = await chat({ origin: allowedOrigin }, true);
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(streamed.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(streamed.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(streamed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await readSseFrames(streamed)).at(-1)?.data).toBe('[DONE]');

    const refused = await fetch(`${stack.edgeUrl}/v1/models/nope`, { headers: { origin: allowedOrigin, authorization: 'Bearer test' } });
    expect(refused.status).toBe(404);
    expect(refused.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
  });

  it('gives other origins no CORS headers, so the browser blocks them', async () => {
    const preflight = await fetch(`${stack.edgeUrl}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.test', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBe(405);
    const call = await chat({ origin: 'https://evil.example.test' });
    expect(call.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a known path asked with the wrong method with 405 and Allow, an unknown path with 404', async () => {
    const wrongMethod = await fetch(`${stack.edgeUrl}/v1/chat/completions`, { headers: { authorization: 'Bearer test' } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(((await wrongMethod.json()) as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error', code: 'method_not_allowed' });

    const responseItem = await fetch(`${stack.edgeUrl}/v1/responses/resp_123`, { method: 'POST', headers: { authorization: 'Bearer test' } });
    expect(responseItem.status).toBe(405);
    expect(responseItem.headers.get('allow')).toBe('GET, DELETE');

    const unknown = await fetch(`${stack.edgeUrl}/v1/engines`, { headers: { authorization: 'Bearer test' } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: unknown }).error).toMatchObject({ code: 'unknown_url' });
  });

  it('routes paths with a trailing or doubled slash', async () => {
    for (const path of ['/v1/models/', '//v1//models']) {
      const response = await fetch(`${stack.edgeUrl}${path}`, { headers: { authorization: 'Bearer test' } });
      expect(response.status, path).toBe(200);
      expect(((await response.json()) as { object: string }).object).toBe('list');
    }
  });

  const postEncoded = (encoding: string, body: Uint8Array) =>
    fetch(`${stack.edgeUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': encoding, authorization: 'Bearer test' }, body });
  const chatBody = Buffer.from(JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'compressed hello' }] }));

  it('reads request bodies compressed with gzip, deflate or br', async () => {
    for (const [encoding, compressed] of [
      ['gzip', gzipSync(chatBody)],
      ['deflate', deflateSync(chatBody)],
      ['br', brotliCompressSync(chatBody)],
    ] as const) {
      const response = await postEncoded(encoding, compressed);
      expect(response.status, encoding).toBe(200);
      expect(stack.workers[0]!.emulator.requests().at(-1)!.body).toMatchObject({ messages: [{ role: 'user', content: 'compressed hello' }] });
    }
  });

  it('refuses unknown encodings, corrupt bodies and bodies that expand past the limit, each with a clear error', async () => {
    const unknown = await postEncoded('compress', chatBody);
    expect(unknown.status).toBe(415);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unsupported_content_encoding');

    const corrupt = await postEncoded('gzip', chatBody);
    expect(corrupt.status).toBe(400);
    expect(((await corrupt.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'invalid_content_encoding', message: expect.stringContaining('could not be decompressed') });

    // 26 MiB of zeros, 26 KiB on the wire: past the 25 MiB body limit once decompressed.
    const bomb = gzipSync(Buffer.alloc(26 * 1024 * 1024, 0x20));
    const tooLarge = await postEncoded('gzip', bomb);
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
  });
});
