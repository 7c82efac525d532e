import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type CompletedRequest, type Stack } from '@corral/testkit';
import { validateAgainstOpenAPI } from '@corral/testkit/testing';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSseFrames } from './sse-frames.ts';
import { keyIdNamed, waitForUsageRows } from './usage-rows.ts';

/** OpenAI's schema declares finish_reason non-nullable, yet every streamed chunk but the last carries null (as OpenAI's own do). */
function expectCompletionSchema(value: unknown): void {
  const body = value as { choices?: { finish_reason: string | null }[] };
  const checked = { ...body, choices: body.choices?.map((choice) => ({ ...choice, finish_reason: choice.finish_reason ?? 'stop' })) };
  expect(validateAgainstOpenAPI('CreateCompletionResponse', checked).errors).toEqual([]);
}

function promptOf(request: CompletedRequest): string {
  return (request.body as { prompt: string }).prompt;
}

function optionsOf(request: CompletedRequest): Record<string, unknown> {
  return (request.body as { options?: Record<string, unknown> }).options ?? {};
}

describe('/v1/completions through edge → NATS → worker → emulator', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let apiKey: string;
  let client: OpenAI;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2ecompl');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 8 } }], accounting: { databaseUrl } });
    database = new pg.Pool({ connectionString: databaseUrl });
    apiKey = await stack.createKey('completions');
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const emulator = () => stack.workers[0]!.emulator;
  const upstreamFor = (prompt: string) => emulator().requests().filter((request) => promptOf(request) === prompt);
  const post = (body: unknown, key = apiKey) =>
    fetch(`${stack.edgeUrl}/v1/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

  it('answers a prompt with the emulator text and exact usage, passing every sampling parameter to Ollama', async () => {
    const completion = await client.completions.create({
      model: 'llama3.2',
      prompt: 'Once upon a time',
      max_tokens: 50,
      temperature: 0.3,
      top_p: 0.8,
      seed: 11,
      frequency_penalty: 0.5,
      presence_penalty: 0.25,
    });
    const upstream = emulator().requests().at(-1)!;
    expect(upstream.path).toBe('/api/generate');
    expect(promptOf(upstream)).toBe('Once upon a time');
    expect(optionsOf(upstream)).toEqual({ temperature: 0.3, top_p: 0.8, seed: 11, num_predict: 50, frequency_penalty: 0.5, presence_penalty: 0.25 });
    expect(completion).toMatchObject({ object: 'text_completion', model: 'llama3.2' });
    expect(completion.id).toMatch(/^cmpl-/);
    expect(completion.choices).toEqual([{ index: 0, text: upstream.content, logprobs: null, finish_reason: 'stop' }]);
    expect(upstream.content.length).toBeGreaterThan(0);
    expect(completion.usage).toEqual({ prompt_tokens: upstream.promptEvalCount, completion_tokens: upstream.evalCount, total_tokens: upstream.promptEvalCount + upstream.evalCount });
    expectCompletionSchema(completion);
  });

  it('streams text_completion chunks, then the usage chunk, then [DONE]', async () => {
    const stream = await client.completions.create({ model: 'llama3.2', prompt: 'Stream a completion', stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Completion[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const upstream = upstreamFor('Stream a completion').at(-1)!;
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.object).toBe('text_completion');
      expectCompletionSchema(chunk);
    }
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? '').join('')).toBe(upstream.content);
    const withChoices = chunks.filter((chunk) => chunk.choices.length > 0);
    expect(withChoices.at(-1)!.choices[0]!.finish_reason).toBe('stop');
    expect(withChoices.slice(0, -1).every((chunk) => chunk.choices[0]!.finish_reason === null)).toBe(true);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ prompt_tokens: upstream.promptEvalCount, completion_tokens: upstream.evalCount, total_tokens: upstream.promptEvalCount + upstream.evalCount });

    const raw = await post({ model: 'llama3.2', prompt: 'Stream a completion', stream: true });
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = await readSseFrames(raw);
    expect(frames.at(-1)!.data).toBe('[DONE]');
    expect(frames.slice(0, -1).every((frame) => frame.event === undefined && !('usage' in (JSON.parse(frame.data) as object)))).toBe(true);
  });

  it('runs one job per prompt and returns the choices in prompt order', async () => {
    const prompts = ['alpha prompt', 'beta prompt', 'gamma prompt'];
    const completion = await client.completions.create({ model: 'llama3.2', prompt: prompts });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    let promptTokens = 0;
    let completionTokens = 0;
    for (const [index, prompt] of prompts.entries()) {
      const upstream = upstreamFor(prompt);
      expect(upstream).toHaveLength(1);
      expect(completion.choices[index]!.text).toBe(upstream[0]!.content);
      promptTokens += upstream[0]!.promptEvalCount;
      completionTokens += upstream[0]!.evalCount;
    }
    expect(new Set(completion.choices.map((choice) => choice.text)).size).toBe(3);
    expect(completion.usage).toEqual({ prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens });
    expectCompletionSchema(completion);
  });

  it('orders n samples per prompt as OpenAI does (prompt × n + sample), each sample with its own seed', async () => {
    const prompts = ['first of two', 'second of two'];
    const completion = await client.completions.create({ model: 'llama3.2', prompt: prompts, n: 2, best_of: 2, seed: 40 });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2, 3]);
    for (const [promptIndex, prompt] of prompts.entries()) {
      const upstream = upstreamFor(prompt);
      expect(upstream.map((request) => optionsOf(request).seed).sort()).toEqual([40, 41]);
      for (const sample of [0, 1]) {
        const request = upstream.find((candidate) => optionsOf(candidate).seed === 40 + sample)!;
        expect(completion.choices[promptIndex * 2 + sample]!.text).toBe(request.content);
      }
    }
    expect(completion.choices[0]!.text).not.toBe(completion.choices[1]!.text);
  });

  it('streams several prompts interleaved by index and closes with one combined usage chunk', async () => {
    const prompts = ['stream one', 'stream two'];
    const stream = await client.completions.create({ model: 'llama3.2', prompt: prompts, stream: true, stream_options: { include_usage: true } });
    const texts = ['', ''];
    const finishes: (string | null)[] = [null, null];
    const usages: OpenAI.CompletionUsage[] = [];
    for await (const chunk of stream) {
      expectCompletionSchema(chunk);
      if (chunk.usage) usages.push(chunk.usage);
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.text;
        if (choice.finish_reason) finishes[choice.index] = choice.finish_reason;
      }
    }
    const upstream = prompts.map((prompt) => upstreamFor(prompt)[0]!);
    expect(texts).toEqual(upstream.map((request) => request.content));
    expect(finishes).toEqual(['stop', 'stop']);
    const promptTokens = upstream.reduce((sum, request) => sum + request.promptEvalCount, 0);
    const completionTokens = upstream.reduce((sum, request) => sum + request.evalCount, 0);
    expect(usages).toEqual([{ prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens }]);
  });

  it('stops at a stop sequence and reports length when max_tokens cuts the text', async () => {
    const probe = await client.completions.create({ model: 'llama3.2', prompt: 'stop here please' });
    const words = probe.choices[0]!.text.trim().split(/\s+/);
    const stopWord = words[3]!;
    const stopped = await client.completions.create({ model: 'llama3.2', prompt: 'stop here please', stop: [stopWord] });
    expect(optionsOf(emulator().requests().at(-1)!).stop).toEqual([stopWord]);
    expect(stopped.choices[0]!.text).not.toContain(stopWord);
    expect(stopped.choices[0]!.text.length).toBeLessThan(probe.choices[0]!.text.length);
    expect(stopped.choices[0]!.finish_reason).toBe('stop');

    const cut = await client.completions.create({ model: 'llama3.2', prompt: 'cut me short', max_tokens: 3 });
    expect(cut.choices[0]!.finish_reason).toBe('length');
    expect(cut.usage?.completion_tokens).toBe(3);
  });

  it('returns legacy logprobs (tokens, token_logprobs, top_logprobs, text_offset), streamed or not', async () => {
    const completion = await client.completions.create({ model: 'llama3.2', prompt: 'logprobs please', logprobs: 2 });
    expect(emulator().requests().at(-1)!.body).toMatchObject({ logprobs: true, top_logprobs: 2 });
    const choice = completion.choices[0]!;
    const logprobs = choice.logprobs!;
    expect(logprobs.tokens!.join('')).toBe(choice.text);
    expect(logprobs.tokens!.length).toBeGreaterThan(3);
    expect(logprobs.token_logprobs).toHaveLength(logprobs.tokens!.length);
    expect(logprobs.token_logprobs!.every((value) => value <= 0)).toBe(true);
    expect(logprobs.top_logprobs!.every((alternatives) => Object.keys(alternatives).length === 2)).toBe(true);
    let offset = 0;
    logprobs.tokens!.forEach((token, index) => {
      expect(logprobs.text_offset![index]).toBe(offset);
      offset += token.length;
    });
    expectCompletionSchema(completion);

    const stream = await client.completions.create({ model: 'llama3.2', prompt: 'logprobs please', logprobs: 2, stream: true });
    const streamedTokens: string[] = [];
    for await (const chunk of stream) streamedTokens.push(...(chunk.choices[0]?.logprobs?.tokens ?? []));
    expect(streamedTokens).toEqual(logprobs.tokens);
  });

  it('echoes the prompt before the completion and passes suffix to a fill-in-the-middle model', async () => {
    const echoed = await client.completions.create({ model: 'llama3.2', prompt: 'Echo this prompt', echo: true });
    const upstream = upstreamFor('Echo this prompt').at(-1)!;
    expect(echoed.choices[0]!.text).toBe(`Echo this prompt${upstream.content}`);

    const filled = await client.completions.create({ model: 'codellama', prompt: 'def add(a, b):', suffix: '    return result' });
    const fill = emulator().requests().at(-1)!;
    expect(fill.body).toMatchObject({ model: 'codellama', prompt: 'def add(a, b):', suffix: '    return result' });
    expect(filled.choices[0]!.text).toBe(fill.content);
  });

  it('refuses bad input with a 400 naming the parameter, and an unknown model with 404', async () => {
    const cases: { body: Record<string, unknown>; param: string }[] = [
      { body: { model: 'llama3.2' }, param: 'prompt' },
      { body: { model: 'llama3.2', prompt: '' }, param: 'prompt' },
      { body: { model: 'llama3.2', prompt: [] }, param: 'prompt' },
      { body: { model: 'llama3.2', prompt: [1, 2, 3.5] }, param: 'prompt[2]' },
      { body: { model: 'llama3.2', prompt: 'x', best_of: 3 }, param: 'best_of' },
      { body: { model: 'llama3.2', prompt: 'x', echo: true, logprobs: 1 }, param: 'echo' },
      { body: { model: 'llama3.2', prompt: 'x', max_tokens: 0 }, param: 'max_tokens' },
      { body: { model: 'llama3.2', prompt: 'x', temperature: 3 }, param: 'temperature' },
      { body: { model: 'llama3.2', prompt: 'x', logprobs: 21 }, param: 'logprobs' },
      { body: { model: 'llama3.2', prompt: 'x', stop: ['a', 'b', 'c', 'd', 'e'] }, param: 'stop' },
      { body: { model: 'llama3.2', prompt: 'x', logit_bias: { '50256': -100 } }, param: 'logit_bias' },
    ];
    for (const testCase of cases) {
      const response = await post(testCase.body);
      const body = (await response.json()) as { error: { type: string; param: string | null } };
      expect([response.status, body.error.type, body.error.param], JSON.stringify(testCase.body)).toEqual([400, 'invalid_request_error', testCase.param]);
    }
    await expect(client.completions.create({ model: 'no-such-model', prompt: 'hi' })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(client.completions.create({ model: 'llama3.2', prompt: 'hi' }, { headers: { authorization: 'Bearer sk-corral-wrong' } })).rejects.toMatchObject({ status: 401 });
  });

  it('records one usage event per request, with every job of the request summed, also for failures', async () => {
    const name = 'completions-usage';
    const key = await stack.createKey(name);
    const keyId = await keyIdNamed(database, name);
    const usageClient = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: key, maxRetries: 0 });
    const prompts = ['usage one', 'usage two', 'usage three'];
    const answered = await usageClient.completions.create({ model: 'llama3.2', prompt: prompts });
    const stream = await usageClient.completions.create({ model: 'llama3.2', prompt: 'usage streamed', n: 2, stream: true });
    for await (const _chunk of stream);
    await expect(usageClient.completions.create({ model: 'llama3.2', prompt: 'x', best_of: 5 })).rejects.toMatchObject({ status: 400 });

    const rows = await waitForUsageRows(database, keyId, 3);
    expect(rows).toHaveLength(3);
    const sum = (requests: CompletedRequest[]) => ({
      prompt_tokens: requests.reduce((total, request) => total + request.promptEvalCount, 0),
      completion_tokens: requests.reduce((total, request) => total + request.evalCount, 0),
    });
    const batch = rows.find((row) => !row.stream && row.status === 'ok')!;
    expect(batch).toMatchObject({ request_id: answered._request_id, endpoint: '/v1/completions', http_status: 200, ...sum(prompts.flatMap((prompt) => upstreamFor(prompt))) });
    const streamed = rows.find((row) => row.stream)!;
    expect(streamed).toMatchObject({ status: 'ok', ...sum(upstreamFor('usage streamed')) });
    expect(upstreamFor('usage streamed')).toHaveLength(2);
    expect(rows.find((row) => row.status === 'error')).toMatchObject({ http_status: 400, prompt_tokens: 0, completion_tokens: 0 });
  });
});
