import { startStack, type Stack } from '@corral/testkit';
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
    expect(response.headers.get('vary')).toBe('Origin');
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
    expect(preflight.status).toBe(404);
    const call = await chat({ origin: 'https://evil.example.test' });
    expect(call.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('routes paths with a trailing or doubled slash', async () => {
    for (const path of ['/v1/models/', '//v1//models']) {
      const response = await fetch(`${stack.edgeUrl}${path}`, { headers: { authorization: 'Bearer test' } });
      expect(response.status, path).toBe(200);
      expect(((await response.json()) as { object: string }).object).toBe('list');
    }
  });
});
