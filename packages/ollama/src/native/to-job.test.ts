import { describe, expect, it } from 'vitest';
import { chatJob, embeddingsJob, embedJob, generateJob, showJob, showModelName, wantsStream } from './to-job.ts';

const target = { model: 'llama3.2:3b', overrides: { options: { num_ctx: 8192, temperature: 0.9 }, think: 'low' as const, keep_alive: '10m' } };

describe('native requests → jobs', () => {
  it.each([
    [
      'chat: the target model, always streamed, overrides fill what the request left unset',
      chatJob({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], stream: false, options: { temperature: 0.1 }, shift: false }, target),
      { model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }], stream: true, options: { num_ctx: 8192, temperature: 0.1 }, shift: false, keep_alive: '10m', think: 'low' },
    ],
    [
      'chat: the request wins over every override; nulls count as unset',
      chatJob({ model: 'fast', messages: null, think: false, keep_alive: 0, options: null, format: 'json' }, target),
      { model: 'llama3.2:3b', think: false, keep_alive: 0, options: { num_ctx: 8192, temperature: 0.9 }, format: 'json', stream: true },
    ],
    [
      'generate: without overrides nothing is added',
      generateJob({ model: 'llama3.2', prompt: 'Why?', raw: true }, { model: 'llama3.2' }),
      { model: 'llama3.2', prompt: 'Why?', raw: true, stream: true },
    ],
    [
      'embed: no think, options and keep_alive from the override',
      embedJob({ model: 'fast', input: ['a', 'b'], dimensions: 8 }, target),
      { model: 'llama3.2:3b', input: ['a', 'b'], dimensions: 8, options: { num_ctx: 8192, temperature: 0.9 }, keep_alive: '10m' },
    ],
    [
      'embeddings (legacy): its prompt becomes the one input of an embed job',
      embeddingsJob({ model: 'm', prompt: 'llamas', options: { num_ctx: 512 } }, { model: 'all-minilm' }),
      { model: 'all-minilm', options: { num_ctx: 512 }, input: 'llamas' },
    ],
    ['embeddings (legacy): an empty prompt embeds nothing', embeddingsJob({ model: 'm', prompt: '' }, { model: 'all-minilm' }), undefined],
    ['show: the legacy name becomes the target model', showJob({ name: 'fast', verbose: true }, target), { verbose: true, model: 'llama3.2:3b' }],
  ])('%s', (_case, job, expected) => {
    expect(job).toEqual(expected);
  });

  it.each([
    [{}, true],
    [{ stream: null }, true],
    [{ stream: true }, true],
    [{ stream: false }, false],
  ])('stream of %j is %s (Ollama streams unless told not to)', (request, streamed) => {
    expect(wantsStream(request)).toBe(streamed);
  });

  it.each([
    [{ model: 'a', name: 'b' }, 'a'],
    [{ name: 'b' }, 'b'],
    [{ model: '' }, undefined],
  ])('show of %j names %s', (request, name) => {
    expect(showModelName(request)).toBe(name);
  });
});
