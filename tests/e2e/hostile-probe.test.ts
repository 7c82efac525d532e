import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import { validateAgainstOpenAPI } from '@corral/testkit/testing';
import { request as httpRequest } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A hostile client against every /v1 route: each leaf of a valid body replaced by values a careless
 * or malicious client sends. Whatever the input, the edge answers below 500, every error is OpenAI's
 * error object, every answer names its request, and every request that reached an inference route
 * has its usage row.
 */

const DEEP = 10_000;
/** Stands in for a value that JSON.stringify cannot produce cheaply: spliced into the body text. */
const DEEP_ARRAY = '__deep_array__';
const DEEP_OBJECT = '__deep_object__';

const hostileValues: unknown[] = [
  null,
  true,
  -1,
  1e308,
  0.5,
  '',
  'a\u0000b',
  '\ud800',
  'x'.repeat(100_000),
  [],
  {},
  Array.from({ length: 5000 }, (_, index) => index),
  DEEP_ARRAY,
  DEEP_OBJECT,
];

const bodies: Record<string, Record<string, unknown>> = {
  '/v1/chat/completions': {
    model: 'llama3.2',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: [{ type: 'text', text: 'hi' }] },
    ],
    max_tokens: 4,
    n: 1,
    keep_alive: '5m',
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
    response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
  },
  '/v1/completions': { model: 'llama3.2', prompt: ['one', 'two'], max_tokens: 3, n: 2, stop: ['\n'], keep_alive: 30 },
  '/v1/embeddings': { model: 'all-minilm', input: ['first', 'second'], encoding_format: 'float', dimensions: 8 },
  '/v1/responses': {
    model: 'llama3.2',
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    max_output_tokens: 4,
    store: false,
    text: { format: { type: 'json_schema', name: 'out', schema: { type: 'object', properties: { a: { type: 'string' } } } } },
  },
};

type Path = Array<string | number>;

function leafPaths(value: unknown, path: Path = []): Path[] {
  if (Array.isArray(value)) return [path, ...value.flatMap((item, index) => leafPaths(item, [...path, index]))];
  if (typeof value === 'object' && value !== null) return [...(path.length > 0 ? [path] : []), ...Object.entries(value).flatMap(([key, item]) => leafPaths(item, [...path, key]))];
  return [path];
}

function replaced(body: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(body) ? [...body] : { ...(body as object) }) as Record<string | number, unknown>;
  copy[head!] = replaced(copy[head!], rest, value);
  return copy;
}

function encode(body: unknown): string {
  return JSON.stringify(body)
    .replace(`"${DEEP_ARRAY}"`, '['.repeat(DEEP) + ']'.repeat(DEEP))
    .replace(`"${DEEP_OBJECT}"`, '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP));
}

interface Answer {
  route: string;
  sent: string;
  status: number;
  requestId: string | null;
  body: string;
}

describe('a hostile client finds no 5xx, no foreign error body and no lost usage row', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let apiKey: string;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2ehostile');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 2 } }], accounting: { databaseUrl } });
    database = new pg.Pool({ connectionString: databaseUrl });
    apiKey = await stack.createKey('hostile');
  });
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  async function post(route: string, text: string, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${stack.edgeUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
      body: text,
    });
    return { route, sent: text.slice(0, 200), status: response.status, requestId: response.headers.get('x-request-id'), body: await response.text() };
  }

  function misbehaviour(answer: Answer): string | undefined {
    const where = `${answer.route} ${answer.status} ← ${answer.sent}`;
    if (answer.status >= 500) return `${where}: server error ${answer.body.slice(0, 300)}`;
    if (!answer.requestId) return `${where}: no x-request-id`;
    if (answer.status < 400) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.body);
    } catch {
      return `${where}: error body is not JSON: ${answer.body.slice(0, 200)}`;
    }
    const validation = validateAgainstOpenAPI('ErrorResponse', parsed);
    return validation.valid ? undefined : `${where}: not OpenAI's error object: ${answer.body.slice(0, 200)}`;
  }

  it('survives every leaf of every body replaced by hostile values', async () => {
    const answers: Answer[] = [];
    for (const [route, body] of Object.entries(bodies)) {
      const texts = leafPaths(body).flatMap((path) => hostileValues.map((value) => encode(replaced(body, path, value))));
      // A few at a time: a hostile client does not wait, but the suite shares two cores.
      for (let start = 0; start < texts.length; start += 8) {
        answers.push(...(await Promise.all(texts.slice(start, start + 8).map((text) => post(route, text)))));
      }
    }
    expect(answers.length).toBeGreaterThan(500);
    expect(answers.map(misbehaviour).filter((problem) => problem !== undefined)).toEqual([]);

    // Every one of them reached an inference route with a valid key: each has its usage row.
    const ids = answers.map((answer) => answer.requestId!);
    const deadline = Date.now() + 30_000;
    let stored = new Set<string>();
    while (stored.size < ids.length && Date.now() < deadline) {
      const { rows } = await database.query<{ request_id: string }>('SELECT request_id FROM usage WHERE request_id = ANY($1::text[])', [ids]);
      stored = new Set(rows.map((row) => row.request_id));
      if (stored.size < ids.length) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ids.filter((id) => !stored.has(id))).toEqual([]);
  });

  it('answers broken framing, headers and URLs in OpenAI’s format, with a request id', async () => {
    const raw = (options: { method: string; path: string; headers?: Record<string, string>; body?: string }) =>
      new Promise<Answer>((resolve, reject) => {
        const url = new URL(stack.edgeUrl);
        const call = httpRequest({ host: url.hostname, port: url.port, method: options.method, path: options.path, headers: { authorization: `Bearer ${apiKey}`, ...options.headers } }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (piece: string) => (body += piece));
          response.on('end', () => resolve({ route: options.path, sent: options.method, status: response.statusCode ?? 0, requestId: (response.headers['x-request-id'] as string | undefined) ?? null, body }));
        });
        call.on('error', reject);
        call.end(options.body);
      });
    const answers = await Promise.all([
      raw({ method: 'GET', path: '/v1/models/%zz' }),
      raw({ method: 'GET', path: `/v1/responses/${'r'.repeat(500)}` }),
      raw({ method: 'GET', path: '/v1/responses/a%00b' }),
      raw({ method: 'DELETE', path: '/v1/responses/a%00b', headers: { 'content-type': 'application/json' } }),
      raw({ method: 'GET', path: '/v1/responses/a%00b/input_items' }),
      raw({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', expect: '200-ok' }, body: '{}' }),
      raw({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: '{"model":' }),
      raw({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'text/plain' }, body: 'hello' }),
      raw({ method: 'GET', path: '/v1/nowhere' }),
      raw({ method: 'GET', path: '/v1/models', headers: { authorization: 'Bearer sk-corral-wrong' } }),
      raw({ method: 'GET', path: '/v1/models', headers: { 'x-padding': 'p'.repeat(20_000) } }),
      post('/v1/responses', JSON.stringify({ model: 'llama3.2', input: 'hi', previous_response_id: 'resp_\u0000x' })),
    ]);
    expect(answers.map(misbehaviour).filter((problem) => problem !== undefined)).toEqual([]);
    expect(answers.map((answer) => answer.status)).toEqual([400, 404, 404, 404, 404, 417, 400, 400, 404, 401, 431, 404]);
  });
});
