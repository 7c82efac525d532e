import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import { connect } from 'node:net';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRaw, type RawResponse } from './raw-http.ts';
import { readSseFrames } from './sse-frames.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** OpenAI's error object and nothing else, as every error under /v1 must be. */
function expectOpenAIError(body: unknown, expected: { code?: string | null; param?: string | null } = {}): void {
  expect(body).toEqual({
    error: {
      message: expect.stringMatching(/\w{3}/),
      type: expect.stringMatching(/_error$/),
      param: expected.param === undefined ? expect.toBeOneOf([null, expect.any(String)]) : expected.param,
      code: expected.code === undefined ? expect.toBeOneOf([null, expect.any(String)]) : expected.code,
    },
  });
}

function expectRawOpenAIError(response: RawResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['x-request-id']).toMatch(UUID);
  expectOpenAIError(JSON.parse(response.body), { code });
}

/** Waits for the usage row of one request (the usage stream is asynchronous). */
async function usageRowOf(database: pg.Pool, requestId: string): Promise<{ request_id: string; http_status: number; endpoint: string }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { rows } = await database.query<{ request_id: string; http_status: number; endpoint: string }>('SELECT request_id, http_status, endpoint FROM usage WHERE request_id = $1', [requestId]);
    if (rows[0]) return rows[0];
    if (Date.now() > deadline) throw new Error(`no usage row with id ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the framework and Node's HTTP parser refuse, answered like everything else: OpenAI's error object and a request id. */
describe('framework-level errors, empty bodies and request ids', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let key: string;
  let client: OpenAI;
  let host: string;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2eframeworkerrors');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 4 } }], accounting: { databaseUrl } });
    database = new pg.Pool({ connectionString: databaseUrl });
    key = await stack.createKey('framework-errors');
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: key, maxRetries: 0 });
    host = new URL(stack.edgeUrl).host;
  });
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const authorized = { authorization: () => `Bearer ${key}` };
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.edgeUrl}${path}`, { ...init, headers: { authorization: authorized.authorization(), ...(init.headers as Record<string, string> | undefined) } });

  it('answers headers over 16 KB with a 431 in OpenAI’s format, then closes the connection', async () => {
    const connection = sendRaw(stack.edgeUrl, `GET /v1/models HTTP/1.1\r\nhost: ${host}\r\nx-padding: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
    const response = await connection.response;
    expectRawOpenAIError(response, 431, 'request_header_fields_too_large');
    expect(response.headers.connection).toBe('close');
    await connection.serverClosed;
  });

  it('answers malformed HTTP with a 400 in OpenAI’s format', async () => {
    const connection = sendRaw(stack.edgeUrl, `GET /v1/models HTTP/1.1\r\nhost: ${host}\r\nbad header\r\n\r\n`);
    expectRawOpenAIError(await connection.response, 400, 'invalid_http_request');
    await connection.serverClosed;
  });

  it('answers an unknown Expect with a 417 in OpenAI’s format, not an empty body', async () => {
    const connection = sendRaw(stack.edgeUrl, `GET /v1/models HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${key}\r\nexpect: 200-ok\r\n\r\n`);
    expectRawOpenAIError(await connection.response, 417, 'expectation_failed');
    connection.close();
  });

  it('answers a declared body over the limit that never comes with a 413, without waiting for an upload, and closes the connection', async () => {
    const connection = sendRaw(
      stack.edgeUrl,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: ${100 * 1024 * 1024}\r\n\r\n`,
    );
    const response = await connection.response;
    expectRawOpenAIError(response, 413, 'request_too_large');
    // Nothing of the body was sent and this side is still open: the answer did not wait for an upload.
    expect(response.clientOpenWhenAnswered).toBe(true);
    expect(response.headers.connection).toBe('close');
    await connection.serverClosed;
  });

  it('refuses an over-limit body announced with Expect: 100-continue before the client uploads it', async () => {
    const connection = sendRaw(
      stack.edgeUrl,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: ${30 * 1024 * 1024}\r\nexpect: 100-continue\r\n\r\n`,
    );
    // The first answer is the refusal itself, not "100 Continue".
    const response = await connection.response;
    expectRawOpenAIError(response, 413, 'request_too_large');
    expect(response.headers.connection).toBe('close');
    await connection.serverClosed;
  });

  it('lets a client that uploads an over-limit body eagerly read the 413 instead of a reset', async () => {
    const url = new URL(stack.edgeUrl);
    const size = 30 * 1024 * 1024;
    const socket = connect(Number(url.port), url.hostname);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (piece: string) => (answer += piece));
    const writeFailed = new Promise<Error | undefined>((resolve) => {
      socket.on('error', resolve);
      socket.on('close', () => resolve(undefined));
    });
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${key}\r\ncontent-type: application/json\r\ncontent-length: ${size}\r\n\r\n`);
    // The whole body, written without waiting for the answer, as fetch and the SDKs do.
    const piece = Buffer.alloc(256 * 1024, 0x20);
    for (let sent = 0; sent < size; sent += piece.length) {
      if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
    }
    while (!answer.includes('request_too_large')) await new Promise((resolve) => setTimeout(resolve, 10));
    socket.end();
    expect(await writeFailed).toBeUndefined();
    expect(answer.startsWith('HTTP/1.1 413')).toBe(true);
  });

  it('answers a malformed percent-escape with a 400 and an over-long id with a 404, both in OpenAI’s format', async () => {
    const badUrl = await call('/v1/models/%zz');
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers.get('x-request-id')).toMatch(UUID);
    expectOpenAIError(await badUrl.json(), { code: 'invalid_url' });

    for (const length of [101, 129, 2000]) {
      const id = `resp_${'x'.repeat(length)}`;
      for (const [method, path] of [
        ['GET', `/v1/responses/${id}`],
        ['DELETE', `/v1/responses/${id}`],
        ['GET', `/v1/responses/${id}/input_items`],
      ] as const) {
        const response = await call(path, { method });
        expect(response.status, `${method} ${length}`).toBe(404);
        expect(response.headers.get('x-request-id')).toMatch(UUID);
        expectOpenAIError(await response.json(), { code: 'not_found' });
      }
    }
  });

  it('answers a stored-response id the store could never hold (a NUL, a control character) with a 404', async () => {
    for (const id of ['a%00b', 'resp_%01', 'resp_%7F', 'resp_%C3%A9']) {
      for (const [method, path] of [
        ['GET', `/v1/responses/${id}`],
        ['DELETE', `/v1/responses/${id}`],
        ['GET', `/v1/responses/${id}/input_items`],
      ] as const) {
        const response = await call(path, { method });
        expect(response.status, `${method} ${path}`).toBe(404);
        expectOpenAIError(await response.json(), { code: 'not_found', param: 'response_id' });
      }
    }
    await expect(client.responses.create({ model: 'llama3.2', input: 'continue', previous_response_id: 'resp_a\u0000b' })).rejects.toMatchObject({
      status: 404,
      code: 'previous_response_not_found',
      param: 'previous_response_id',
    });
    // The store itself is fine: a real response is still stored and read back.
    const stored = await client.responses.create({ model: 'llama3.2', input: 'still stored' });
    expect((await client.responses.retrieve(stored.id)).id).toBe(stored.id);
  });

  it('deletes with the exact request openai-python sends: Content-Type application/json and an empty body', async () => {
    for (const framing of [`content-length: 0\r\n`, '', `transfer-encoding: chunked\r\n`]) {
      const stored = await client.responses.create({ model: 'llama3.2', input: 'delete me' });
      const body = framing.startsWith('transfer-encoding') ? '0\r\n\r\n' : '';
      const connection = sendRaw(
        stack.edgeUrl,
        `DELETE /v1/responses/${stored.id} HTTP/1.1\r\nhost: ${host}\r\naccept: application/json\r\ncontent-type: application/json\r\nauthorization: Bearer ${key}\r\n` +
          `user-agent: OpenAI/Python 1.109.1\r\nx-stainless-lang: python\r\n${framing}\r\n${body}`,
      );
      const response = await connection.response;
      expect(response.status, framing).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ id: stored.id, object: 'response', deleted: true });
      connection.close();
      await expect(client.responses.retrieve(stored.id)).rejects.toMatchObject({ status: 404 });
    }
    // A POST whose body is required still says it is empty.
    const empty = await call('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '0' } });
    expect(empty.status).toBe(400);
    expectOpenAIError(await empty.json(), { code: 'invalid_json' });
  });

  it('names every answer with a fresh x-request-id, and it is the usage row’s id where there is one', async () => {
    const answers: { label: string; response: Response }[] = [
      { label: '401 no key', response: await fetch(`${stack.edgeUrl}/v1/models`) },
      { label: '401 chat without a key', response: await fetch(`${stack.edgeUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }) },
      { label: '404 unknown url', response: await call('/v1/engines') },
      { label: '405 wrong method', response: await call('/v1/chat/completions') },
      { label: '400 bad json', response: await call('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' }) },
      { label: '415 media type', response: await call('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' }) },
      { label: '400 bad url', response: await call('/v1/models/%zz') },
      { label: '404 model', response: await call('/v1/models/nope:1b') },
      { label: '200 models', response: await call('/v1/models') },
      { label: '200 healthz', response: await fetch(`${stack.edgeUrl}/healthz`) },
    ];
    const ids = new Set<string>();
    for (const { label, response } of answers) {
      const id = response.headers.get('x-request-id');
      expect(id, label).toMatch(UUID);
      ids.add(id!);
      if (response.status >= 400) expectOpenAIError(await response.json());
      else await response.arrayBuffer();
    }
    expect(ids.size).toBe(answers.length);

    // Requests that open a usage row: refused, answered, and streamed (a response the framework hands over).
    const refused = await call('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'llama3.2', messages: [] }) });
    expect(refused.status).toBe(400);
    const unauthenticated = await fetch(`${stack.edgeUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-corral-wrong' },
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(unauthenticated.status).toBe(401);
    const streamed = await call('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: true }) });
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await readSseFrames(streamed)).at(-1)?.data).toBe('[DONE]');
    const answered = await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] }).withResponse();

    for (const [response, status] of [
      [refused, 400],
      [unauthenticated, 401],
      [streamed, 200],
      [answered.response, 200],
    ] as const) {
      const id = response.headers.get('x-request-id');
      expect(id).toMatch(UUID);
      expect(await usageRowOf(database, id!)).toMatchObject({ request_id: id, http_status: status, endpoint: '/v1/chat/completions' });
    }
    expect(answered.response.headers.get('x-request-id')).toBe(answered.request_id);
  });
});
