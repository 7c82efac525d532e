import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tool } from '@corral/ollama';
import { startEmulator } from '../emulator.ts';
import { planChatReply } from '../generation.ts';
import { eventually, post, postJson, sseData } from '../../testing/index.ts';
import { countChatPromptTokens } from '../tokens.ts';
import type { Emulator } from '../types.ts';

let emulator: Emulator;
let url: string;

beforeAll(async () => {
  emulator = await startEmulator({ tokensPerReply: 3 });
  url = `${emulator.url}/v1/chat/completions`;
});
afterAll(() => emulator.close());

const hello = [{ role: 'user', content: 'Hello' }];
const weather: Tool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } } },
};

function frames(text: string): Array<Record<string, unknown> | '[DONE]'> {
  return sseData(text).map((data) => (data === '[DONE]' ? '[DONE]' : (JSON.parse(data) as Record<string, unknown>)));
}

function choice(frame: Record<string, unknown> | '[DONE]' | undefined): Record<string, unknown> {
  return ((frame as { choices: unknown[] }).choices[0] ?? {}) as Record<string, unknown>;
}

describe('/v1/chat/completions streaming', () => {
  it('follows the HEAD chunk sequence: role once, finish chunk, usage chunk, [DONE]', async () => {
    const response = await post(url, { model: 'llama3.2', messages: hello, stream: true, stream_options: { include_usage: true } });
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('text/event-stream');
    const all = frames(response.text);
    const expected = planChatReply({ model: 'llama3.2', messages: hello }, { tokensPerReply: 3, thinking: false }).content;
    expect(all).toHaveLength(3 + 3);
    const first = all[0] as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['id', 'object', 'created', 'model', 'system_fingerprint', 'choices']);
    expect(first).toMatchObject({ object: 'chat.completion.chunk', model: 'llama3.2', system_fingerprint: 'fp_ollama' });
    expect(first.id).toMatch(/^chatcmpl-\d{1,3}$/);
    expect(choice(first)).toEqual({ index: 0, delta: { role: 'assistant', content: expected[0] }, finish_reason: null });
    expect(choice(all[1])).toEqual({ index: 0, delta: { content: expected[1] }, finish_reason: null });
    expect(choice(all[2])).toEqual({ index: 0, delta: { content: expected[2] }, finish_reason: null });
    expect(choice(all[3])).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    const usage = all[4] as Record<string, unknown>;
    const promptTokens = countChatPromptTokens({ messages: hello });
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({ prompt_tokens: promptTokens, completion_tokens: 3, total_tokens: promptTokens + 3 });
    expect(all[5]).toBe('[DONE]');
    const ids = new Set(all.slice(0, 5).map((frame) => (frame as { id: string }).id));
    const created = new Set(all.slice(0, 5).map((frame) => (frame as { created: number }).created));
    expect(ids.size).toBe(1);
    expect(created.size).toBe(1);
  });

  it('carries reasoning with empty content, and no usage chunk without include_usage', async () => {
    const all = frames((await post(url, { model: 'qwen3', messages: hello, stream: true, reasoning_effort: 'high' })).text);
    expect(choice(all[0]).delta).toEqual({ role: 'assistant', content: '', reasoning: expect.any(String) });
    expect(choice(all[1]).delta).toEqual({ content: '', reasoning: expect.stringMatching(/^ /) });
    expect(all.at(-1)).toBe('[DONE]');
    expect(choice(all.at(-2)).finish_reason).toBe('stop');
    expect(all.some((frame) => frame !== '[DONE]' && 'usage' in frame)).toBe(false);
  });

  it('sends tool calls whole with string arguments and finish_reason tool_calls', async () => {
    const all = frames((await post(url, { model: 'llama3.2', messages: hello, tools: [weather], stream: true })).text);
    expect(all).toHaveLength(3);
    expect(choice(all[0]).delta).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ id: expect.stringMatching(/^call_/), index: 0, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    });
    expect(choice(all[1])).toEqual({ index: 0, delta: {}, finish_reason: 'tool_calls' });
  });

  it('passes length through as the finish reason', async () => {
    const all = frames((await post(url, { model: 'llama3.2', messages: hello, stream: true, max_tokens: 1 })).text);
    expect(choice(all.at(-2)).finish_reason).toBe('length');
  });

  it('emits a model-less empty chunk and no terminator on a mid-stream failure', async () => {
    const failing = await startEmulator({ failAfterTokens: 1 });
    try {
      const all = frames((await post(`${failing.url}/v1/chat/completions`, { model: 'llama3.2', messages: hello, stream: true })).text);
      expect(all).toHaveLength(2);
      expect(all[1]).toMatchObject({ model: '', choices: [{ index: 0, delta: { content: '' }, finish_reason: null }] });
    } finally {
      await failing.close();
    }
  });
});

describe('/v1/chat/completions non-streaming', () => {
  it('answers a chat.completion with usage', async () => {
    const { status, body } = await postJson(url, { model: 'llama3.2', messages: hello });
    const expected = planChatReply({ model: 'llama3.2', messages: hello }, { tokensPerReply: 3, thinking: false }).content;
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['id', 'object', 'created', 'model', 'system_fingerprint', 'choices', 'usage']);
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'llama3.2',
      choices: [{ index: 0, message: { role: 'assistant', content: expected.join('') }, finish_reason: 'stop' }],
      usage: { completion_tokens: 3 },
    });
    const record = await emulator.waitFor((request) => request.path === '/v1/chat/completions' && !request.stream);
    expect(record).toMatchObject({ model: 'llama3.2', content: expected.join(''), evalCount: 3, body: { model: 'llama3.2', messages: hello } });
  });

  it('returns reasoning and tool calls', async () => {
    const { body } = await postJson(url, { model: 'qwen3', messages: hello, tools: [weather] });
    expect(body.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: '',
          reasoning: expect.any(String),
          tool_calls: [{ id: expect.stringMatching(/^call_/), index: 0, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        finish_reason: 'tool_calls',
      },
    ]);
  });

  it('returns logprobs under choices[0].logprobs.content', async () => {
    const { body } = await postJson(url, { model: 'llama3.2', messages: hello, logprobs: true, top_logprobs: 2 });
    const logprobs = (body.choices as Array<{ logprobs: { content: Array<{ top_logprobs: unknown[] }> } }>)[0]?.logprobs;
    expect(logprobs?.content).toHaveLength(3);
    expect(logprobs?.content[0]?.top_logprobs).toHaveLength(2);
  });
});

describe('/v1 errors', () => {
  it.each([
    [{ model: 'nope', messages: hello }, 404, "model 'nope' not found", 'not_found_error'],
    [{ model: 'llama3.2', messages: [] }, 400, "[] is too short - 'messages'", 'invalid_request_error'],
    [{ model: 'llama3.2', messages: [{ role: 'user', content: 2 }] }, 400, 'invalid message content type: float64', 'invalid_request_error'],
    [{ model: 'llava', messages: hello, tools: [weather] }, 400, 'registry.ollama.ai/library/llava:latest does not support tools', 'invalid_request_error'],
    [{ model: 'llama3.2', messages: hello, stop: 'x', reasoning_effort: 'high' }, 400, '"llama3.2" does not support thinking', 'invalid_request_error'],
    [
      { model: 'llama3.2', messages: hello, max_tokens: 'x' },
      400,
      'json: cannot unmarshal string into Go struct field ChatCompletionRequest.max_tokens of type int',
      'invalid_request_error',
    ],
  ])('%j → %i', async (body, status, message, type) => {
    const response = await postJson(url, body);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ error: { message, type, param: null, code: null } });
  });

  it('wraps queue-full as api_error 503', async () => {
    const busy = await startEmulator({ loadDelayMs: 10_000, maxQueue: 0 });
    const loading = new AbortController();
    const first = fetch(`${busy.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'qwen3' }), signal: loading.signal });
    try {
      await eventually(() => busy.active() === 1);
      expect(await postJson(`${busy.url}/v1/chat/completions`, { model: 'llama3.2', messages: hello })).toEqual({
        status: 503,
        body: { error: { message: 'server busy, please try again.  maximum pending requests exceeded', type: 'api_error', param: null, code: null } },
      });
    } finally {
      loading.abort();
      await expect(first).rejects.toThrow();
      await busy.close();
    }
  });
});

describe('/v1/embeddings', () => {
  it('returns a list of float embeddings with usage', async () => {
    const { status, body } = await postJson(`${emulator.url}/v1/embeddings`, { model: 'all-minilm', input: ['Hello', 'World'] });
    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'list', model: 'all-minilm', usage: { prompt_tokens: 2, total_tokens: 2 } });
    const data = body.data as Array<{ object: string; embedding: number[]; index: number }>;
    expect(data.map((item) => [item.object, item.index, item.embedding.length])).toEqual([
      ['embedding', 0, 384],
      ['embedding', 1, 384],
    ]);
  });

  it('encodes base64 as little-endian float32', async () => {
    const floats = await postJson(`${emulator.url}/v1/embeddings`, { model: 'all-minilm', input: 'Hello', dimensions: 3 });
    const encoded = await postJson(`${emulator.url}/v1/embeddings`, { model: 'all-minilm', input: 'Hello', dimensions: 3, encoding_format: 'BASE64' });
    const vector = (floats.body.data as Array<{ embedding: number[] }>)[0]?.embedding ?? [];
    const bytes = Buffer.from((encoded.body.data as Array<{ embedding: string }>)[0]?.embedding ?? '', 'base64');
    expect(bytes).toHaveLength(12);
    expect([0, 1, 2].map((index) => bytes.readFloatLE(index * 4))).toEqual(vector.map((value) => Math.fround(value)));
  });

  it.each([
    [{ model: 'all-minilm' }, 400, 'invalid input'],
    [{ model: 'all-minilm', input: [] }, 400, 'invalid input'],
    [{ model: 'all-minilm', input: 'x', encoding_format: 'json' }, 400, "Invalid value for 'encoding_format' = json. Supported values: ['float', 'base64']."],
    [{ model: 'all-minilm', input: [1, 2] }, 400, 'invalid input type'],
    [{ model: 'nope', input: 'x' }, 404, 'model "nope" not found, try pulling it first'],
  ])('%j → %i', async (body, status, message) => {
    const response = await postJson(`${emulator.url}/v1/embeddings`, body);
    expect(response.status).toBe(status);
    expect((response.body.error as { message: string }).message).toBe(message);
  });
});

describe('/v1/models', () => {
  it('lists models in OpenAI shape', async () => {
    const body = (await (await fetch(`${emulator.url}/v1/models`)).json()) as { object: string; data: Array<Record<string, unknown>> };
    expect(body.object).toBe('list');
    expect(body.data[0]).toEqual({ id: 'llama3.2:latest', object: 'model', created: expect.any(Number), owned_by: 'library' });
  });

  it('retrieves a model by the id as given, or 404s with the normalised name', async () => {
    const found = (await (await fetch(`${emulator.url}/v1/models/llama3.2`)).json()) as Record<string, unknown>;
    expect(found).toMatchObject({ id: 'llama3.2', object: 'model', owned_by: 'library' });
    const missing = await fetch(`${emulator.url}/v1/models/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { message: "model 'nope:latest' not found", type: 'not_found_error', param: null, code: null } });
  });
});

describe('/v1/completions', () => {
  it('answers a text_completion', async () => {
    const { body } = await postJson(`${emulator.url}/v1/completions`, { model: 'llama3.2', prompt: 'Hello' });
    expect(body).toMatchObject({ object: 'text_completion', choices: [{ index: 0, finish_reason: 'stop' }], usage: { completion_tokens: 3 } });
    expect(body.id).toMatch(/^cmpl-\d{1,3}$/);
  });

  it('streams with zero usage on every chunk and real usage at the end', async () => {
    const all = frames((await post(`${emulator.url}/v1/completions`, { model: 'llama3.2', prompt: 'Hello', stream: true, stream_options: { include_usage: true } })).text);
    expect(all).toHaveLength(3 + 1 + 1 + 1);
    expect(Object.keys(all[0] as object)).toEqual(['id', 'object', 'created', 'choices', 'model', 'system_fingerprint', 'usage']);
    expect((all[0] as { usage: unknown }).usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    expect(choice(all[3])).toEqual({ text: '', index: 0, finish_reason: 'stop' });
    expect(all[4]).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
    expect(all[5]).toBe('[DONE]');
  });

  it('rejects a prompt array with a decoder error', async () => {
    const response = await postJson(`${emulator.url}/v1/completions`, { model: 'llama3.2', prompt: ['a'] });
    expect(response.status).toBe(400);
    expect((response.body.error as { message: string }).message).toBe(
      'json: cannot unmarshal array into Go struct field CompletionRequest.prompt of type string',
    );
  });

  it('rejects non-string stop items', async () => {
    const response = await postJson(`${emulator.url}/v1/completions`, { model: 'llama3.2', prompt: 'x', stop: [1, 2] });
    expect(response).toEqual({ status: 400, body: { error: { message: "invalid type for 'stop' field: float64", type: 'invalid_request_error', param: null, code: null } } });
  });
});
