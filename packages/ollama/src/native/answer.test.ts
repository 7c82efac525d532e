import { describe, expect, it } from 'vitest';
import { ChatAnswer, GenerateAnswer, legacyEmbedding, namedFor } from './answer.ts';

const at = '2026-08-21T10:00:00.123456Z';
const final = { total_duration: 4883583458, load_duration: 1334875, prompt_eval_count: 26, prompt_eval_duration: 342546000, eval_count: 3, eval_duration: 4535599000 };
const tool = { id: 'call_1', function: { index: 0, name: 'get_weather', arguments: { city: 'Tokyo' } } };

describe('namedFor', () => {
  it('returns the very chunk when the caller asked for the model that ran (so it is written as it came)', () => {
    const chunk = { model: 'llama3.2', created_at: at, message: { role: 'assistant', content: 'The' }, done: false };
    expect(namedFor(chunk, 'llama3.2')).toBe(chunk);
  });

  it('renames an alias target to the alias, keeping the field order', () => {
    const chunk = { model: 'llama3.2:3b', created_at: at, response: 'The', done: false };
    expect(JSON.stringify(namedFor(chunk, 'fast'))).toBe(`{"model":"fast","created_at":"${at}","response":"The","done":false}`);
  });
});

describe('ChatAnswer (stream: false)', () => {
  const chunks = [
    { model: 'qwen3', created_at: at, message: { role: 'assistant', content: '', thinking: 'Let me' }, done: false },
    { model: 'qwen3', created_at: at, message: { role: 'assistant', content: '', thinking: ' think' }, done: false },
    { model: 'qwen3', created_at: at, message: { role: 'assistant', content: 'The' }, done: false, logprobs: [{ token: 'The', logprob: -0.1 }] },
    { model: 'qwen3', created_at: at, message: { role: 'assistant', content: ' sky', tool_calls: [tool] }, done: false, logprobs: [{ token: ' sky', logprob: -0.2 }] },
  ];
  const last = { model: 'qwen3', created_at: '2026-08-21T10:00:01.5Z', message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', ...final };

  it.each([
    [
      'with tools: everything concatenated, tool calls kept',
      true,
      {
        model: 'fast',
        created_at: '2026-08-21T10:00:01.5Z',
        message: { role: 'assistant', content: 'The sky', thinking: 'Let me think', tool_calls: [tool] },
        done: true,
        done_reason: 'stop',
        logprobs: [
          { token: 'The', logprob: -0.1 },
          { token: ' sky', logprob: -0.2 },
        ],
        ...final,
      },
    ],
    [
      'without tools: tool calls dropped, as Ollama does',
      false,
      {
        model: 'fast',
        created_at: '2026-08-21T10:00:01.5Z',
        message: { role: 'assistant', content: 'The sky', thinking: 'Let me think' },
        done: true,
        done_reason: 'stop',
        logprobs: [
          { token: 'The', logprob: -0.1 },
          { token: ' sky', logprob: -0.2 },
        ],
        ...final,
      },
    ],
  ])('%s', (_case, keepToolCalls, expected) => {
    const answer = new ChatAnswer('fast', keepToolCalls);
    for (const chunk of chunks) answer.push(chunk);
    const result = answer.finish(last);
    expect(result).toEqual(expected);
    // Go's struct order: model, created_at, message, done, done_reason, logprobs, metrics.
    expect(Object.keys(result)).toEqual(Object.keys(expected));
  });

  it('answers a load request (no chunks, done_reason load) with an empty message', () => {
    const answer = new ChatAnswer('llama3.2', false);
    expect(answer.finish({ model: 'llama3.2', created_at: at, message: { role: 'assistant', content: '' }, done: true, done_reason: 'load' })).toEqual({
      model: 'llama3.2',
      created_at: at,
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'load',
    });
  });
});

describe('GenerateAnswer (stream: false)', () => {
  it('concatenates the response, takes context and metrics from the final chunk', () => {
    const answer = new GenerateAnswer('llama3.2');
    answer.push({ model: 'llama3.2', created_at: at, response: 'The', done: false });
    answer.push({ model: 'llama3.2', created_at: at, response: ' sky', thinking: 'hm', done: false });
    const result = answer.finish({ model: 'llama3.2', created_at: at, response: '', done: true, done_reason: 'length', context: [1, 2, 3], ...final });
    expect(result).toEqual({ model: 'llama3.2', created_at: at, response: 'The sky', thinking: 'hm', done: true, done_reason: 'length', context: [1, 2, 3], ...final });
    expect(Object.keys(result).slice(0, 7)).toEqual(['model', 'created_at', 'response', 'thinking', 'done', 'done_reason', 'context']);
  });
});

describe('legacyEmbedding', () => {
  it.each([
    [{ model: 'm', embeddings: [[0.1, 0.2]] }, { embedding: [0.1, 0.2] }],
    [{ model: 'm', embeddings: [] }, { embedding: [] }],
    [undefined, { embedding: [] }],
  ])('%j → %j', (embed, expected) => {
    expect(legacyEmbedding(embed)).toEqual(expected);
  });
});
