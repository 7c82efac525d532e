import { startStack, type Stack } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSseFrames } from './sse-frames.ts';

const DEPTH = 10_000;
/** JSON text nested DEPTH deep, built as text: JSON.stringify itself overflows on such a value. */
const deepObject = `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;
const deepArray = `${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`;
/** A body with `DEEP` where the deep value goes. */
const withDeep = (body: unknown, deep: string) => JSON.stringify(body).replace('"DEEP"', deep);

const MAX_JOBS = 8;

/** Request bodies built to hurt: deep nesting, fan-out bombs, values Ollama would refuse or misread. */
describe('hostile request bodies through the edge', () => {
  let stack: Stack;
  beforeAll(async () => {
    // One worker that takes two jobs at a time: a request of more jobs must still be served.
    stack = await startStack({
      workers: [{ emulator: { tokensPerReply: 2 }, env: { WORKER_MAX_INFLIGHT: '2' } }],
      edgeEnv: { MAX_JOBS_PER_REQUEST: String(MAX_JOBS) },
    });
  });
  afterAll(async () => stack?.close());

  const post = (path: string, body: string) =>
    fetch(`${stack.edgeUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test' }, body });
  const errorOf = async (response: Response) => ({ status: response.status, ...((await response.json()) as { error: { type: string; param: string | null; code: string | null; message: string } }).error });

  const chat = { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] };
  it.each([
    ['/v1/chat/completions', 'messages[0].role', withDeep({ ...chat, messages: [{ role: 'DEEP', content: 'x' }] }, deepObject)],
    ['/v1/chat/completions', 'tools[0].function.parameters', withDeep({ ...chat, tools: [{ type: 'function', function: { name: 'f', parameters: 'DEEP' } }] }, deepObject)],
    ['/v1/chat/completions', 'response_format.json_schema.schema', withDeep({ ...chat, response_format: { type: 'json_schema', json_schema: { name: 'n', schema: 'DEEP' } } }, deepObject)],
    ['/v1/responses', 'input[0]', withDeep({ model: 'llama3.2', input: 'DEEP' }, deepArray)],
    ['/v1/responses', 'text.format.schema', withDeep({ model: 'llama3.2', input: 'x', text: { format: { type: 'json_schema', name: 'n', schema: 'DEEP' } } }, deepObject)],
    ['/v1/completions', 'prompt', withDeep({ model: 'llama3.2', prompt: 'DEEP' }, deepArray)],
    ['/v1/embeddings', 'input', withDeep({ model: 'nomic-embed-text', input: 'DEEP' }, deepArray)],
  ])('%s: JSON nested 10,000 deep in %s is a 400 naming it', async (path, param, body) => {
    const error = await errorOf(await post(path, body));
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code: 'invalid_value' });
    expect(error.message).toContain('at most 128 levels');
  });

  it('serves a schema nested to a realistic depth', async () => {
    let schema: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < 20; level++) schema = { type: 'object', properties: { inner: schema } };
    const response = await post('/v1/chat/completions', JSON.stringify({ ...chat, response_format: { type: 'json_schema', json_schema: { name: 'deep', schema } } }));
    expect(response.status).toBe(200);
  });

  it('refuses more jobs than one request may run, naming prompt or n, before building any', async () => {
    // 2,000 prompts × n=128 in about 16 KB: the request that once held the event loop for 5 s.
    const bomb = await errorOf(await post('/v1/completions', JSON.stringify({ model: 'llama3.2', prompt: Array.from({ length: 2000 }, (_, index) => `p${index}`), n: 128 })));
    expect(bomb).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'prompt', code: 'too_many_choices' });
    expect(bomb.message).toContain(`at most ${MAX_JOBS} per request`);

    const samples = await errorOf(await post('/v1/completions', JSON.stringify({ model: 'llama3.2', prompt: ['a', 'b', 'c'], n: 3 })));
    expect(samples).toMatchObject({ status: 400, param: 'n', code: 'too_many_choices' });
    const choices = await errorOf(await post('/v1/chat/completions', JSON.stringify({ ...chat, n: MAX_JOBS + 1 })));
    expect(choices).toMatchObject({ status: 400, param: 'n', code: 'too_many_choices' });
  });

  it('refuses an n that would multiply a large request past the body limit', async () => {
    const longPrompt = 'x'.repeat(4 * 1024 * 1024);
    const error = await errorOf(await post('/v1/completions', JSON.stringify({ model: 'llama3.2', prompt: longPrompt, n: MAX_JOBS })));
    expect(error).toMatchObject({ status: 400, param: 'n', code: 'too_many_choices' });
    const chatError = await errorOf(await post('/v1/chat/completions', JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: longPrompt }], n: MAX_JOBS })));
    expect(chatError).toMatchObject({ status: 400, param: 'n', code: 'too_many_choices' });
  });

  it('serves a request of more jobs than the fleet holds at once, in waves, instead of a retryable 503', async () => {
    const prompts = Array.from({ length: MAX_JOBS }, (_, index) => `wave ${index}`);
    const response = await post('/v1/completions', JSON.stringify({ model: 'llama3.2', prompt: prompts }));
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: { index: number; text: string }[] };
    expect(completion.choices.map((choice) => choice.index)).toEqual(prompts.map((_, index) => index));

    const streamed = await post('/v1/chat/completions', JSON.stringify({ ...chat, n: MAX_JOBS, stream: true }));
    expect(streamed.status).toBe(200);
    const frames = await readSseFrames(streamed);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    const finished = new Set<number>();
    for (const frame of frames.slice(0, -1)) {
      for (const choice of (JSON.parse(frame.data) as { choices: { index: number; finish_reason: string | null }[] }).choices) {
        if (choice.finish_reason !== null) finished.add(choice.index);
      }
    }
    expect(finished.size).toBe(MAX_JOBS);
  });

  it('refuses keep_alive values Ollama would refuse or misread, and sends the others in a form it reads', async () => {
    for (const keepAlive of [1e308, 'NaN', 'a\u0000b', '5 minutes', 400 * 24 * 3600]) {
      const error = await errorOf(await post('/v1/chat/completions', JSON.stringify({ ...chat, keep_alive: keepAlive })));
      expect([error.status, error.type, error.param], String(keepAlive)).toEqual([400, 'invalid_request_error', 'keep_alive']);
    }
    for (const [keepAlive, sent] of [['-1', -1], [-128, -1], ['1h30m', '1h30m'], ['600', 600]] as const) {
      const response = await post('/v1/chat/completions', JSON.stringify({ ...chat, keep_alive: keepAlive }));
      expect(response.status).toBe(200);
      expect(stack.workers[0]!.emulator.requests().at(-1)!.body).toMatchObject({ keep_alive: sent });
    }
  });

  it('refuses function parameters whose properties Ollama cannot decode', async () => {
    for (const properties of ['city', ['city'], { city: 'string' }]) {
      const error = await errorOf(await post('/v1/chat/completions', JSON.stringify({ ...chat, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties } } }] })));
      expect(error, JSON.stringify(properties)).toMatchObject({ status: 400, type: 'invalid_request_error', param: expect.stringMatching(/^tools\[0\]\.function\.parameters\.properties/) });
    }
  });
});
