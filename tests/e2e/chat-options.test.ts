import type { ChatRequest } from '@corral/ollama';
import { type CompletedRequest } from '@corral/testkit';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useWiredStack } from './wired-stack.ts';
import { parseSse, streamViolations } from './chat-wire.ts';

/** Sampling knobs, Ollama options, n > 1, logprobs and refused parameters, end to end. */

/** Ollama's own knobs, which Corral accepts as extra top-level fields. */
type OllamaExtras = { num_ctx?: number; top_k?: number; min_p?: number; repeat_penalty?: number; repeat_last_n?: number; keep_alive?: string | number };

describe('request options with the openai SDK', () => {
  const wired = useWiredStack({ workers: [{ emulator: { tokensPerReply: 5, numParallel: 4 } }] });

  const emulator = () => wired.stack.workers[0]!.emulator;
  const upstreamBody = () => emulator().requests().at(-1)!.body as ChatRequest;
  /** The upstream requests made since `count` were recorded. */
  const since = (count: number) => emulator().requests().slice(count);

  it('passes Ollama options given as extra body fields to options, keep_alive to the top level', async () => {
    const params: OpenAI.ChatCompletionCreateParamsNonStreaming & OllamaExtras = {
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Tune me' }],
      temperature: 0.4,
      num_ctx: 8192,
      top_k: 20,
      min_p: 0.05,
      repeat_penalty: 1.15,
      repeat_last_n: 32,
      keep_alive: '10m',
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
    };
    await wired.client.chat.completions.create(params);
    const body = upstreamBody();
    expect(body.options).toEqual({ temperature: 0.4, num_ctx: 8192, top_k: 20, min_p: 0.05, repeat_penalty: 1.15, repeat_last_n: 32, frequency_penalty: 0.5, presence_penalty: -0.5 });
    expect(body.keep_alive).toBe('10m');
    expect(body.stream).toBe(true);
  });

  it('sends no options at all when none are given (the Modelfile defaults apply)', async () => {
    await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Defaults' }] });
    expect(upstreamBody().options).toBeUndefined();
    expect(upstreamBody().keep_alive).toBeUndefined();
  });

  it('rejects an Ollama option of the wrong type with a 400 naming it', async () => {
    const params = { model: 'llama3.2', messages: [{ role: 'user', content: 'Bad' }], top_k: 'many' } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming;
    await expect(wired.client.chat.completions.create(params)).rejects.toMatchObject({ status: 400, param: 'top_k' });
  });

  it('n > 1: n jobs upstream (seed + i), n choices with distinct indexes and texts, usage summed', async () => {
    const before = emulator().requests().length;
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Three takes' }], n: 3, seed: 11 });
    const jobs = since(before);
    expect(jobs).toHaveLength(3);
    const bySeed = new Map(jobs.map((job) => [(job.body as ChatRequest).options?.seed, job]));
    expect([...bySeed.keys()].sort()).toEqual([11, 12, 13]);
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    for (const choice of completion.choices) {
      expect(choice.message.content).toBe(bySeed.get(11 + choice.index)!.content);
      expect(choice.finish_reason).toBe('stop');
    }
    expect(new Set(completion.choices.map((choice) => choice.message.content)).size).toBe(3);
    const completionTokens = jobs.reduce((sum, job) => sum + job.evalCount, 0);
    expect(completion.usage).toEqual({ prompt_tokens: jobs[0]!.promptEvalCount, completion_tokens: completionTokens, total_tokens: jobs[0]!.promptEvalCount + completionTokens });
  });

  it('n > 1 streamed: every chunk names its choice, each choice finishes, one summed usage chunk ends the stream', async () => {
    const before = emulator().requests().length;
    const stream = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Two streamed takes' }], n: 2, seed: 3, stream: true, stream_options: { include_usage: true } });
    const contents = ['', ''];
    const finishes: Array<string | null> = [null, null];
    const usages: OpenAI.CompletionUsage[] = [];
    let usageWasLast = false;
    for await (const chunk of stream) {
      usageWasLast = false;
      if (chunk.usage) {
        usages.push(chunk.usage);
        expect(chunk.choices).toEqual([]);
        usageWasLast = true;
      }
      for (const choice of chunk.choices) {
        expect([0, 1]).toContain(choice.index);
        contents[choice.index] += choice.delta.content ?? '';
        if (choice.finish_reason) finishes[choice.index] = choice.finish_reason;
      }
    }
    const jobs = since(before);
    const contentOf = (seed: number) => jobs.find((job) => (job.body as ChatRequest).options?.seed === seed)!.content;
    expect(contents).toEqual([contentOf(3), contentOf(4)]);
    expect(contents[0]).not.toBe(contents[1]);
    expect(finishes).toEqual(['stop', 'stop']);
    expect(usages).toHaveLength(1);
    expect(usageWasLast).toBe(true);
    const completionTokens = jobs.reduce((sum, job) => sum + job.evalCount, 0);
    expect(usages[0]).toEqual({ prompt_tokens: jobs[0]!.promptEvalCount, completion_tokens: completionTokens, total_tokens: jobs[0]!.promptEvalCount + completionTokens });
  });

  it('n > 1 streamed through chat.completions.stream(): finalChatCompletion() holds every choice', async () => {
    const before = emulator().requests().length;
    const final = await wired.client.chat.completions.stream({ model: 'llama3.2', messages: [{ role: 'user', content: 'Helper takes' }], n: 2, seed: 21, stream: true }).finalChatCompletion();
    const jobs = since(before);
    const contentOf = (seed: number) => jobs.find((job) => (job.body as ChatRequest).options?.seed === seed)!.content;
    expect(final.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, contentOf(21), 'stop'],
      [1, contentOf(22), 'stop'],
    ]);
  });

  it('logprobs with top_logprobs: one entry per token, the tokens spell the content', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'With logprobs' }], logprobs: true, top_logprobs: 2 });
    const choice = completion.choices[0]!;
    const entries = choice.logprobs!.content!;
    expect(entries).toHaveLength(emulator().requests().at(-1)!.evalCount);
    expect(entries.map((entry) => entry.token).join('')).toBe(choice.message.content);
    for (const entry of entries) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.bytes).toEqual([...Buffer.from(entry.token)]);
      expect(entry.top_logprobs).toHaveLength(2);
      expect(entry.top_logprobs[0]!.token).toBe(entry.token);
    }
    expect(upstreamBody()).toMatchObject({ logprobs: true, top_logprobs: 2 });

    const plain = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Without logprobs' }] });
    expect(plain.choices[0]!.logprobs).toBeNull();
    expect(upstreamBody()).not.toHaveProperty('logprobs');
  });

  it('streams logprobs with the content they belong to', async () => {
    const stream = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'Streamed logprobs' }], logprobs: true, stream: true });
    let content = '';
    const tokens: string[] = [];
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      content += choice?.delta.content ?? '';
      for (const entry of choice?.logprobs?.content ?? []) {
        tokens.push(entry.token);
        expect(entry.top_logprobs).toEqual([]);
      }
    }
    expect(tokens.join('')).toBe(content);
    expect(content).toBe(emulator().requests().at(-1)!.content);
  });

  it('accepts user and the other bookkeeping fields without effect on the job', async () => {
    const completion = await wired.client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Bookkeeping' }],
      user: 'user-1234',
      metadata: { team: 'search' },
      store: false,
      service_tier: 'auto',
      safety_identifier: 'hash-1',
      prompt_cache_key: 'cache-1',
    });
    expect(completion.choices[0]!.message.content).toBe(emulator().requests().at(-1)!.content);
    expect(Object.keys(upstreamBody()).sort()).toEqual(['messages', 'model', 'stream']);
  });

  it('refuses parameters Corral cannot honour with a 400 naming each', async () => {
    const base = { model: 'llama3.2', messages: [{ role: 'user' as const, content: 'Refuse me' }] };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
      [{ audio: { voice: 'alloy', format: 'mp3' }, modalities: ['text', 'audio'] }, 'audio'],
      [{ modalities: ['text', 'audio'] }, 'modalities'],
      [{ prediction: { type: 'content', content: 'x' } }, 'prediction'],
      [{ functions: [{ name: 'f', parameters: {} }] }, 'functions'],
      [{ web_search_options: {} }, 'web_search_options'],
      [{ top_logprobs: 3 }, 'top_logprobs'],
      [{ n: 0 }, 'n'],
    ];
    const before = emulator().requests().length;
    for (const [extra, param] of cases) {
      const error = await wired.client.chat.completions.create({ ...base, ...extra } as OpenAI.ChatCompletionCreateParamsNonStreaming).catch((caught: unknown) => caught);
      expect(error, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error, param).toMatchObject({ status: 400, param, type: 'invalid_request_error' });
      expect((error as Error).message, param).toContain(param);
    }
    // An empty logit_bias asks for nothing and is accepted.
    await wired.client.chat.completions.create({ ...base, logit_bias: {} });
    expect(since(before)).toHaveLength(1);
  });

  it('raw wire: an n=2 stream with usage validates chunk by chunk and ends with the usage chunk, then [DONE]', async () => {
    const before = emulator().requests().length;
    const response = await fetch(`${wired.stack.edgeUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'Raw two' }], n: 2, seed: 5, stream: true, stream_options: { include_usage: true }, logprobs: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = parseSse(await response.text());
    const checked = streamViolations(frames);
    expect(checked.violations).toEqual([]);
    expect(checked.chunks).toBe(frames.payloads.length);
    expect(frames.done).toBe(true);
    const chunks = frames.payloads as OpenAI.ChatCompletionChunk[];
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.filter((chunk) => chunk.usage != null)).toHaveLength(1);
    // Each choice's first delta carries the role; each finishes exactly once.
    for (const index of [0, 1]) {
      const ofChoice = chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.index === index));
      expect(ofChoice[0]!.delta.role).toBe('assistant');
      expect(ofChoice.filter((choice) => choice.finish_reason !== null)).toHaveLength(1);
    }
    const jobs: CompletedRequest[] = since(before);
    expect(jobs).toHaveLength(2);
  });
});
