import { describe, expect, it } from 'vitest';
import type { NativeContext } from '../shared/context.ts';
import { parseCompletionRequest } from './request-schema.ts';
import { completionsToNative, type CompletionsTranslation } from './to-canonical.ts';

function translate(body: Record<string, unknown>, context: Partial<NativeContext> = {}): CompletionsTranslation {
  const parsed = parseCompletionRequest({ model: 'alias', ...body });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  const translated = completionsToNative(parsed.value, { model: 'llama3.2', ...context });
  if (!translated.ok) throw new Error(JSON.stringify(translated.error));
  return translated.value;
}

describe('parseCompletionRequest', () => {
  it.each([
    ['missing prompt', { model: 'm' }, 'prompt'],
    ['an invalid token id', { model: 'm', prompt: [1, 2.5] }, 'prompt[1]'],
    ['an empty token list', { model: 'm', prompt: [[1], []] }, 'prompt[1]'],
    ['empty prompt list', { model: 'm', prompt: [] }, 'prompt'],
    ['empty prompt', { model: 'm', prompt: '' }, 'prompt'],
    ['empty prompt in a list', { model: 'm', prompt: ['a', ''] }, 'prompt[1]'],
    ['non-string stop (A.3 #62)', { model: 'm', prompt: 'x', stop: [1, 2] }, 'stop[0]'],
    ['best_of above n', { model: 'm', prompt: 'x', best_of: 3 }, 'best_of'],
    ['echo with logprobs', { model: 'm', prompt: 'x', echo: true, logprobs: 2 }, 'echo'],
    ['echo with suffix', { model: 'm', prompt: 'x', echo: true, suffix: 's' }, 'echo'],
    ['logit_bias', { model: 'm', prompt: 'x', logit_bias: { '1': 5 } }, 'logit_bias'],
    ['logprobs above 20', { model: 'm', prompt: 'x', logprobs: 21 }, 'logprobs'],
  ])('rejects %s', (_name, body, param) => {
    const result = parseCompletionRequest(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.status, result.error.param]).toEqual([400, param]);
  });

  it('accepts best_of equal to n', () => {
    expect(parseCompletionRequest({ model: 'm', prompt: 'x', n: 2, best_of: 2 }).ok).toBe(true);
  });
});

describe('completionsToNative', () => {
  it('translates the basic request (A.1 #4, A.3 #59) without forcing temperature or top_p', () => {
    const translation = translate({ prompt: 'Hello', temperature: 0.8, stop: ['\n', 'stop'], suffix: 'suffix' });
    expect(translation.jobs).toEqual([
      {
        native: { model: 'llama3.2', prompt: 'Hello', suffix: 'suffix', stream: true, options: { temperature: 0.8, stop: ['\n', 'stop'] } },
        choiceIndex: 0,
        promptIndex: 0,
        prompt: 'Hello',
      },
    ]);
    expect([translation.choices, translation.stream, translation.includeUsage, translation.echo, translation.logprobs]).toEqual([1, false, false, false, false]);
  });

  it('runs token-id prompts as their cl100k_base text, one job per token list', () => {
    expect(translate({ prompt: [9906, 1917], echo: true }).jobs.map((job) => [job.native.prompt, job.prompt])).toEqual([['Hello world', 'Hello world']]);
    expect(translate({ prompt: [[9906, 1917], [17, 489, 220, 17, 284]], n: 2 }).jobs.map((job) => [job.choiceIndex, job.promptIndex, job.native.prompt])).toEqual([
      [0, 0, 'Hello world'],
      [1, 0, 'Hello world'],
      [2, 1, '2 + 2 ='],
      [3, 1, '2 + 2 ='],
    ]);
  });

  it('maps logprobs N to native logprobs and top_logprobs (A.1 #10)', () => {
    const [job] = translate({ prompt: 'Hello', logprobs: 5 }).jobs;
    expect([job?.native.logprobs, job?.native.top_logprobs]).toEqual([true, 5]);
  });

  it('runs one job per prompt and sample in OpenAI choice order', () => {
    const translation = translate({ prompt: ['a', 'b'], n: 2, seed: 10, max_tokens: 5, stream: true, stream_options: { include_usage: true } });
    expect(translation.jobs.map((job) => [job.choiceIndex, job.promptIndex, job.native.prompt, job.native.options?.seed])).toEqual([
      [0, 0, 'a', 10],
      [1, 0, 'a', 11],
      [2, 1, 'b', 10],
      [3, 1, 'b', 11],
    ]);
    expect(translation.jobs[0]?.native.options?.num_predict).toBe(5);
    expect([translation.choices, translation.includeUsage]).toEqual([4, true]);
  });

  it('passes raw, think, keep_alive and Ollama options, and applies overrides beneath the request', () => {
    const [job] = translate(
      { prompt: 'x', raw: true, think: false, num_ctx: 2048, top_k: 5 },
      { overrides: { options: { num_ctx: 8192, repeat_penalty: 1.2 }, keep_alive: '1h' } },
    ).jobs;
    expect(job?.native).toEqual({
      model: 'llama3.2',
      prompt: 'x',
      raw: true,
      think: false,
      keep_alive: '1h',
      stream: true,
      options: { num_ctx: 2048, repeat_penalty: 1.2, top_k: 5 },
    });
  });
});
