import { createServer, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Usage } from '@corral/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamFailure, type Upstream, type UpstreamEvent } from '../../upstream.ts';
import { createOllamaUpstream } from './upstream.ts';

const token = (text: string) => JSON.stringify({ model: 'llama3.2:latest', created_at: 't', response: text, done: false });
const last = JSON.stringify({ model: 'llama3.2:latest', created_at: 't', response: '', done: true, done_reason: 'stop', prompt_eval_count: 7, eval_count: 2, total_duration: 900 });

/** What the stand-in Ollama answers /api/generate with, per test. */
type Answer = (response: ServerResponse) => void;

/** The Ollama upstream against a stand-in Ollama whose answers each test scripts. */
describe('the Ollama upstream', () => {
  let server: Server;
  let upstream: Upstream;
  let answer: Answer = () => undefined;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/api/tags') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"models":[{"name":"llama3.2:latest"}]}');
      if (request.url === '/api/ps') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"models":[]}');
      request.resume();
      answer(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    upstream = createOllamaUpstream({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, maxInflight: 2, unresponsiveAfterMs: 5000 });
  });
  afterAll(async () => {
    await upstream.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Every event of one generate job, and the failure that ended it, if any. */
  async function run(): Promise<{ events: UpstreamEvent[]; failure?: UpstreamFailure }> {
    const events: UpstreamEvent[] = [];
    try {
      for await (const batch of upstream.stream({ kind: 'generate', model: 'llama3.2:latest', body: '{"model":"llama3.2:latest","prompt":"hi"}' }, new AbortController().signal)) events.push(...batch);
    } catch (error) {
      if (error instanceof UpstreamFailure) return { events, failure: error };
      throw error;
    }
    return { events };
  }

  it('posts a show job to /api/show and yields its one JSON answer as the final, with no tokens counted', async () => {
    const show = { details: { family: 'llama' }, model_info: { 'general.architecture': 'llama' }, capabilities: ['completion'], modified_at: 't' };
    let path: string | undefined;
    answer = (response) => {
      path = (response.req as { url?: string }).url;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(show));
    };
    const events: UpstreamEvent[] = [];
    for await (const batch of upstream.stream({ kind: 'show', model: 'llama3.2:latest', body: '{"model":"llama3.2:latest"}' }, new AbortController().signal)) events.push(...batch);
    expect(path).toBe('/api/show');
    // The answer's own text travels on, so the worker never stringifies it again.
    expect(events).toEqual([{ type: 'final', data: show, usage: { promptTokens: 0, completionTokens: 0 }, text: JSON.stringify(show) }]);
  });

  it('yields the lines of one read together, so their replies leave the worker in one write', async () => {
    answer = (response) => response.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(`${token('a')}\n${token('b')}\n${token('c')}\n${last}\n`);
    const batches: number[] = [];
    for await (const batch of upstream.stream({ kind: 'generate', model: 'llama3.2:latest', body: '{"model":"llama3.2:latest","prompt":"hi"}' }, new AbortController().signal)) batches.push(batch.length);
    // Sent in one write, the four lines arrive in one read (or very few), never one batch per line.
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(4);
    expect(batches.length).toBeLessThan(4);
  });

  it('yields each NDJSON line as it came, then one final with the usage Ollama counted, and nothing after it', async () => {
    answer = (response) => response.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(`${token('a')}\n${token('b')}\n${last}\n${token('late')}\n`);
    const { events, failure } = await run();
    expect(failure).toBeUndefined();
    expect(events.slice(0, 2)).toEqual([
      { type: 'chunk', line: token('a') },
      { type: 'chunk', line: token('b') },
    ]);
    expect(events[2]).toEqual({ type: 'final', data: JSON.parse(last), usage: { promptTokens: 7, completionTokens: 2, totalDurationNs: 900 }, text: last });
    // Ollama's reading of the usage is the protocol's: it crosses the bus unchanged.
    const final = events[2] as Extract<UpstreamEvent, { type: 'final' }>;
    expect(Usage.parse(final.usage)).toEqual(final.usage);
    expect(events).toHaveLength(3);
  });

  it.each([
    [404, '{"error":"model \\"nope\\" not found, try pulling it first"}', { code: 'model_not_found', status: 404, retryable: false }],
    [503, '{"error":"server busy, please try again.  maximum pending requests exceeded"}', { code: 'upstream_busy', status: 503, retryable: true }],
    [500, 'boom', { code: 'upstream_error', status: 500, retryable: false, message: 'boom' }],
  ])('classifies HTTP %i into the protocol error', async (status, body, expected) => {
    answer = (response) => response.writeHead(status, { 'content-type': 'application/json' }).end(body);
    const { events, failure } = await run();
    expect(events).toEqual([]);
    expect(failure?.error).toMatchObject(expected);
  });

  it('turns an in-band error line into a non-retryable upstream_error after the chunks before it', async () => {
    answer = (response) => response.writeHead(200).end(`${token('a')}\n{"error":"an error was encountered while running the model"}\n`);
    const { events, failure } = await run();
    expect(events).toEqual([{ type: 'chunk', line: token('a') }]);
    expect(failure?.error).toEqual({ code: 'upstream_error', message: 'an error was encountered while running the model', retryable: false });
  });

  it('lets another worker retry a connection lost before any chunk, but not one lost after a chunk', async () => {
    answer = (response) => {
      response.writeHead(200);
      response.flushHeaders();
      setImmediate(() => response.destroy());
    };
    const before = await run();
    expect(before.failure?.error).toMatchObject({ code: 'upstream_unavailable', retryable: true });

    answer = (response) => {
      response.writeHead(200);
      response.write(`${token('a')}\n`, () => setImmediate(() => response.destroy()));
    };
    const after = await run();
    expect(after.events).toEqual([{ type: 'chunk', line: token('a') }]);
    expect(after.failure?.error).toMatchObject({ code: 'upstream_error', retryable: false });
    expect(after.failure?.error.message).toContain('lost mid-stream');
  });

  it('reports a stream that ends without a final as ending, leaving that judgement to the job', async () => {
    answer = (response) => response.writeHead(200).end(`${token('a')}\n`);
    const { events, failure } = await run();
    expect(failure).toBeUndefined();
    expect(events).toEqual([{ type: 'chunk', line: token('a') }]);
  });
});
