import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import type { Tool } from '@corral/ollama';
import { startEmulator } from './emulator.ts';
import { planChatReply } from './generation.ts';
import { ndjsonLines, post, postJson } from '../testing/index.ts';
import { countChatPromptTokens } from './tokens.ts';
import type { Emulator } from './types.ts';

let emulator: Emulator;
let chatUrl: string;

beforeAll(async () => {
  emulator = await startEmulator({ tokensPerReply: 6 });
  chatUrl = `${emulator.url}/api/chat`;
});
afterAll(() => emulator.close());

const hello = [{ role: 'user', content: 'Why is the sky blue?' }];
const metricKeys = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'];
const weather: Tool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
  },
};
const clock: Tool = {
  type: 'function',
  function: { name: 'get_time', parameters: { type: 'object', required: ['zone'], properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } } } },
};

describe('/api/chat streaming', () => {
  it('streams NDJSON chunks, one token each, then a metrics trailer', async () => {
    const response = await post(chatUrl, { model: 'llama3.2', messages: hello });
    expect(response.status).toBe(200);
    expect(response.contentType).toBe('application/x-ndjson');
    const lines = ndjsonLines(response.text);
    const expected = planChatReply({ model: 'llama3.2', messages: hello }, { tokensPerReply: 6, thinking: false });
    expect(lines).toHaveLength(7);
    for (const [index, line] of lines.slice(0, 6).entries()) {
      expect(Object.keys(line)).toEqual(['model', 'created_at', 'message', 'done']);
      expect(line).toMatchObject({ model: 'llama3.2', message: { role: 'assistant', content: expected.content[index] }, done: false });
      expect(line.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    }
    const final = lines[6] as Record<string, unknown>;
    expect(Object.keys(final)).toEqual(['model', 'created_at', 'message', 'done', 'done_reason', ...metricKeys]);
    expect(final.message).toEqual({ role: 'assistant', content: '' });
    expect(final).toMatchObject({ done: true, done_reason: 'stop', eval_count: 6, prompt_eval_count: countChatPromptTokens({ messages: hello }) });
    for (const key of metricKeys) expect(Number.isInteger(final[key]) && (final[key] as number) > 0).toBe(true);
  });

  it('records the request with its reply', async () => {
    const body = { model: 'llama3.2:latest', messages: [{ role: 'user', content: 'record me' }] };
    await post(chatUrl, body);
    const record = await emulator.waitFor((request) => (request.body as { messages?: Array<{ content: string }> }).messages?.[0]?.content === 'record me');
    const expected = planChatReply(body, { tokensPerReply: 6, thinking: false });
    expect(record).toMatchObject({
      path: '/api/chat',
      model: 'llama3.2:latest',
      stream: true,
      content: expected.content.join(''),
      evalCount: 6,
      doneReason: 'stop',
      cancelled: false,
      status: 200,
      body,
    });
  });
});

describe('/api/chat non-streaming', () => {
  it('answers one JSON object with the concatenated content', async () => {
    const response = await post(chatUrl, { model: 'llama3.2', messages: hello, stream: false });
    expect(response.contentType).toBe('application/json; charset=utf-8');
    const body = JSON.parse(response.text) as Record<string, unknown>;
    const expected = planChatReply({ model: 'llama3.2', messages: hello }, { tokensPerReply: 6, thinking: false });
    expect(body.message).toEqual({ role: 'assistant', content: expected.content.join('') });
    expect(Object.keys(body)).toEqual(['model', 'created_at', 'message', 'done', 'done_reason', ...metricKeys]);
  });

  it('caps the reply at num_predict with done_reason length', async () => {
    const { body } = await postJson(chatUrl, { model: 'llama3.2', messages: hello, stream: false, options: { num_predict: 2 } });
    const expected = planChatReply({ model: 'llama3.2', messages: hello }, { tokensPerReply: 6, thinking: false });
    expect(body).toMatchObject({ done_reason: 'length', eval_count: 2, message: { content: expected.content.slice(0, 2).join('') } });
  });

  it('cuts before a stop string with done_reason stop', async () => {
    const request = { model: 'llama3.2', messages: [{ role: 'user', content: 'stop test' }] };
    const expected = planChatReply(request, { tokensPerReply: 6, thinking: false }).content;
    const stop = (expected[3] as string).trim();
    const full = expected.join('');
    const { body } = await postJson(chatUrl, { ...request, stream: false, options: { stop: [stop] } });
    expect(body).toMatchObject({ done_reason: 'stop', message: { content: full.slice(0, full.indexOf(stop)) } });
  });

  it('changes the reply with options.seed', async () => {
    const first = await postJson(chatUrl, { model: 'llama3.2', messages: hello, stream: false, options: { seed: 1 } });
    const second = await postJson(chatUrl, { model: 'llama3.2', messages: hello, stream: false, options: { seed: 2 } });
    expect((first.body.message as { content: string }).content).not.toBe((second.body.message as { content: string }).content);
  });
});

describe('thinking', () => {
  it('thinks by default on a thinking model: thinking chunks first, content "" present', async () => {
    const lines = ndjsonLines((await post(chatUrl, { model: 'qwen3', messages: hello })).text);
    const expected = planChatReply({ model: 'qwen3', messages: hello }, { tokensPerReply: 6, thinking: true });
    const thinkingLines = lines.slice(0, expected.thinking.length);
    for (const [index, line] of thinkingLines.entries()) {
      expect(line.message).toEqual({ role: 'assistant', content: '', thinking: expected.thinking[index] });
    }
    const contentLines = lines.slice(expected.thinking.length, -1);
    expect(contentLines.map((line) => (line.message as { content: string }).content)).toEqual(expected.content);
    expect(lines.at(-1)).toMatchObject({ done: true, eval_count: expected.thinking.length + expected.content.length });
  });

  it('aggregates thinking in the non-streaming answer', async () => {
    const { body } = await postJson(chatUrl, { model: 'qwen3', messages: hello, stream: false, think: 'high' });
    const expected = planChatReply({ model: 'qwen3', messages: hello }, { tokensPerReply: 6, thinking: true });
    expect(body.message).toEqual({ role: 'assistant', content: expected.content.join(''), thinking: expected.thinking.join('') });
  });

  it('does not think with think:false', async () => {
    const { body } = await postJson(chatUrl, { model: 'qwen3', messages: hello, stream: false, think: false });
    expect(body.message).not.toHaveProperty('thinking');
    expect(body.eval_count).toBe(6);
  });

  it('rejects think:true on a model without the capability', async () => {
    expect(await postJson(chatUrl, { model: 'llama3.2', messages: hello, think: true })).toEqual({
      status: 400,
      body: { error: '"llama3.2" does not support thinking' },
    });
    expect((await postJson(chatUrl, { model: 'llama3.2', messages: hello, think: false, stream: false })).status).toBe(200);
  });
});

describe('tool calls', () => {
  it('emits whole tool calls in a done:false chunk, then the trailer', async () => {
    const lines = ndjsonLines((await post(chatUrl, { model: 'llama3.2', messages: hello, tools: [weather] })).text);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ done: false, message: { role: 'assistant', content: '' } });
    const calls = (lines[0]?.message as { tool_calls: unknown[] }).tool_calls;
    expect(calls).toEqual([{ id: expect.stringMatching(/^call_[a-z0-9]{8}$/), function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } }]);
    expect(lines[1]).toMatchObject({ done: true, done_reason: 'stop', message: { role: 'assistant', content: '' } });
  });

  it('calls every tool the user names, in parallel', async () => {
    const messages = [{ role: 'user', content: 'get_time in CET and get_weather in Paris' }];
    const { body } = await postJson(chatUrl, { model: 'llama3.2', messages, tools: [weather, clock], stream: false });
    const calls = (body.message as { tool_calls: Array<{ function: unknown }> }).tool_calls.map((call) => call.function);
    expect(calls).toEqual([
      { index: 0, name: 'get_time', arguments: { zone: 'UTC' } },
      { index: 1, name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    const record = await emulator.waitFor((request) => request.toolCalls.length === 2);
    expect(record.toolCalls).toHaveLength(2);
  });

  it('answers with text after a tool result', async () => {
    const messages = [
      ...hello,
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
      { role: 'tool', content: '11 degrees celsius', tool_name: 'get_weather' },
    ];
    const { body } = await postJson(chatUrl, { model: 'llama3.2', messages, tools: [weather], stream: false });
    expect((body.message as { content: string }).content.length).toBeGreaterThan(0);
    expect(body.message).not.toHaveProperty('tool_calls');
  });

  it('refuses tools on a model without the capability', async () => {
    expect(await postJson(chatUrl, { model: 'llava', messages: hello, tools: [weather] })).toEqual({
      status: 400,
      body: { error: 'registry.ollama.ai/library/llava:latest does not support tools' },
    });
  });
});

describe('structured output', () => {
  it('streams a JSON object in several pieces for format "json"', async () => {
    const lines = ndjsonLines((await post(chatUrl, { model: 'llama3.2', messages: hello, format: 'json' })).text);
    expect(lines.length).toBeGreaterThan(3);
    const text = lines.map((line) => (line.message as { content: string }).content).join('');
    expect(typeof JSON.parse(text)).toBe('object');
  });

  it('produces JSON valid against a schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        age: { type: 'integer', minimum: 18 },
        tags: { type: 'array', items: { type: 'string' } },
        role: { enum: ['admin', 'user'] },
        address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        id: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
      },
      required: ['name', 'age', 'tags', 'role', 'address', 'id'],
    };
    const { body } = await postJson(chatUrl, { model: 'qwen3', messages: hello, format: schema, stream: false, think: false });
    const value = JSON.parse((body.message as { content: string }).content) as unknown;
    const ajv = new Ajv();
    expect(ajv.validate(schema, value), ajv.errorsText()).toBe(true);
  });

  it('rejects a format that is neither "json" nor a schema with 500', async () => {
    expect(await postJson(chatUrl, { model: 'llama3.2', messages: hello, format: 'yaml' })).toEqual({
      status: 500,
      body: { error: 'invalid format: "\\"yaml\\""; expected "json" or a valid JSON Schema object' },
    });
  });
});

describe('images and logprobs', () => {
  it('rejects data: URLs in images with a decoder error', async () => {
    const messages = [{ role: 'user', content: 'what is this?', images: ['data:image/png;base64,aGk='] }];
    expect(await postJson(chatUrl, { model: 'llava', messages })).toEqual({
      status: 400,
      body: { error: 'illegal base64 data at input byte 4' },
    });
  });

  it('counts a fixed number of tokens per image', async () => {
    const messages = [{ role: 'user', content: 'what is this?', images: ['aGk=', 'aGk='] }];
    const { body } = await postJson(chatUrl, { model: 'llava', messages, stream: false });
    expect(body.prompt_eval_count).toBe(countChatPromptTokens({ messages }));
  });

  it('adds logprobs per chunk with top alternatives', async () => {
    const lines = ndjsonLines((await post(chatUrl, { model: 'llama3.2', messages: hello, logprobs: true, top_logprobs: 3 })).text);
    const first = lines[0] as { message: { content: string }; logprobs: Array<Record<string, unknown>> };
    expect(first.logprobs).toHaveLength(1);
    const entry = first.logprobs[0] as { token: string; logprob: number; bytes: number[]; top_logprobs: unknown[] };
    expect(entry.token).toBe(first.message.content);
    expect(entry.logprob).toBeLessThan(0);
    expect(entry.bytes).toEqual(Array.from(Buffer.from(entry.token)));
    expect(entry.top_logprobs).toHaveLength(3);
    expect(lines.at(-1)).not.toHaveProperty('logprobs');
  });

  it('rejects top_logprobs outside 0..20', async () => {
    expect(await postJson(chatUrl, { model: 'llama3.2', messages: hello, logprobs: true, top_logprobs: 21 })).toEqual({
      status: 400,
      body: { error: 'top_logprobs must be between 0 and 20' },
    });
  });
});

describe('load and unload shortcuts', () => {
  it('loads the model for an empty message list', async () => {
    const { status, body } = await postJson(chatUrl, { model: 'codellama', messages: [] });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['model', 'created_at', 'message', 'done', 'done_reason']);
    expect(body).toMatchObject({ model: 'codellama', message: { role: 'assistant', content: '' }, done: true, done_reason: 'load' });
    expect(emulator.loaded()).toContain('codellama:latest');
  });

  it('unloads with keep_alive 0', async () => {
    await postJson(chatUrl, { model: 'codellama', messages: [] });
    const { body } = await postJson(chatUrl, { model: 'codellama', messages: [], keep_alive: 0 });
    expect(body).toMatchObject({ done: true, done_reason: 'unload' });
    expect(emulator.loaded()).not.toContain('codellama:latest');
  });
});

describe('mid-stream failure', () => {
  it('writes an in-band error line and no done chunk', async () => {
    const failing = await startEmulator({ failAfterTokens: 2 });
    try {
      const response = await post(`${failing.url}/api/chat`, { model: 'llama3.2', messages: hello });
      expect(response.status).toBe(200);
      const lines = ndjsonLines(response.text);
      expect(lines).toHaveLength(3);
      expect(lines[2]).toEqual({ error: 'an error was encountered while running the model' });
      expect(lines.some((line) => line.done === true)).toBe(false);
      const record = await failing.waitFor(() => true);
      expect(record).toMatchObject({ status: 200, evalCount: 2, doneReason: null, error: 'an error was encountered while running the model' });
    } finally {
      await failing.close();
    }
  });

  it('uses the real status when nothing was streamed yet', async () => {
    const failing = await startEmulator({ failAfterTokens: 0 });
    try {
      const response = await post(`${failing.url}/api/chat`, { model: 'llama3.2', messages: hello });
      expect(response.status).toBe(500);
      expect(response.contentType).toBe('application/json; charset=utf-8');
      expect(JSON.parse(response.text)).toEqual({ error: 'an error was encountered while running the model' });
      failing.setOptions({ failAfterTokens: undefined });
      expect((await post(`${failing.url}/api/chat`, { model: 'llama3.2', messages: hello })).status).toBe(200);
    } finally {
      await failing.close();
    }
  });
});
