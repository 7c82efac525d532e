import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator.ts';
import { planGenerateReply } from './generation.ts';
import { ndjsonLines, post, postJson } from '../testing/index.ts';
import { countGeneratePromptTokens } from './tokens.ts';
import type { Emulator } from './types.ts';

let emulator: Emulator;
let generateUrl: string;

beforeAll(async () => {
  emulator = await startEmulator({ tokensPerReply: 4 });
  generateUrl = `${emulator.url}/api/generate`;
});
afterAll(() => emulator.close());

describe('/api/generate', () => {
  it('streams response chunks and a final chunk with context', async () => {
    const request = { model: 'llama3.2', prompt: 'Why is the sky blue?' };
    const lines = ndjsonLines((await post(generateUrl, request)).text);
    const expected = planGenerateReply(request, { tokensPerReply: 4, thinking: false });
    expect(lines.slice(0, -1).map((line) => line.response)).toEqual(expected.content);
    expect(Object.keys(lines[0] as object)).toEqual(['model', 'created_at', 'response', 'done']);
    const final = lines.at(-1) as Record<string, unknown>;
    expect(Object.keys(final)).toEqual([
      'model', 'created_at', 'response', 'done', 'done_reason', 'context',
      'total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration',
    ]);
    const promptTokens = countGeneratePromptTokens(request);
    expect(final).toMatchObject({ response: '', done: true, done_reason: 'stop', prompt_eval_count: promptTokens, eval_count: 4 });
    expect(final.context).toHaveLength(promptTokens + 4);
  });

  it('returns thinking separately and omits context in raw mode', async () => {
    const { body } = await postJson(generateUrl, { model: 'qwen3', prompt: 'hi', raw: true, stream: false });
    const expected = planGenerateReply({ model: 'qwen3', prompt: 'hi' }, { tokensPerReply: 4, thinking: true });
    expect(body).toMatchObject({ response: expected.content.join(''), thinking: expected.thinking.join(''), done: true });
    expect(body).not.toHaveProperty('context');
  });

  it('loads on an empty prompt and unloads with keep_alive 0', async () => {
    const load = await postJson(generateUrl, { model: 'llama3.2' });
    expect(Object.keys(load.body)).toEqual(['model', 'created_at', 'response', 'done', 'done_reason']);
    expect(load.body).toMatchObject({ model: 'llama3.2', response: '', done: true, done_reason: 'load' });
    expect(emulator.loaded()).toContain('llama3.2:latest');
    const unload = await postJson(generateUrl, { model: 'llama3.2', keep_alive: 0 });
    expect(unload.body).toMatchObject({ done_reason: 'unload' });
    expect(emulator.loaded()).not.toContain('llama3.2:latest');
  });

  it('needs the insert capability for a suffix', async () => {
    expect(await postJson(generateUrl, { model: 'llama3.2', prompt: 'def f(', suffix: 'return 1' })).toEqual({
      status: 400,
      body: { error: 'registry.ollama.ai/library/llama3.2:latest does not support insert' },
    });
    expect((await postJson(generateUrl, { model: 'codellama', prompt: 'def f(', suffix: 'return 1', stream: false })).status).toBe(200);
  });

  it('refuses raw mode with a template, system or context', async () => {
    expect(await postJson(generateUrl, { model: 'llama3.2', prompt: 'x', raw: true, system: 'be nice' })).toEqual({
      status: 400,
      body: { error: 'raw mode does not support template, system, or context' },
    });
  });

  it('refuses generate on an embedding model', async () => {
    expect(await postJson(generateUrl, { model: 'all-minilm', prompt: 'x' })).toEqual({
      status: 400,
      body: { error: '"all-minilm" does not support generate' },
    });
  });
});
