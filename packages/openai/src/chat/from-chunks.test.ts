import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '@corral/ollama';
import { chatChunk, finalChatChunk, logprob, toolCall, assertOpenAPI } from '../testing/index.ts';
import { chatUsageChunk, createChatCompletionId, createChatStreamTranslator, type ChatStreamOptions } from './from-chunks.ts';
import type { ChatCompletionChunk } from './wire-types.ts';

const identity = { id: 'chatcmpl-test', model: 'qwen3', created: 1755800000 };

function run(chunks: ChatChunk[], options: Partial<ChatStreamOptions> = {}): ChatCompletionChunk[] {
  const translator = createChatStreamTranslator({ ...identity, includeUsage: false, excludeReasoning: false, toolMode: 'auto', ...options });
  const output = chunks.flatMap((chunk) => translator.push(chunk));
  for (const chunk of output) assertOpenAPI('CreateChatCompletionStreamResponse', chunk);
  return output;
}

/** The deltas of choice 0, without the envelope. */
function deltas(output: ChatCompletionChunk[]) {
  return output.map((chunk) => {
    const choice = chunk.choices[0];
    return choice === undefined ? { usage: chunk.usage } : { delta: choice.delta, finish: choice.finish_reason, ...(choice.logprobs ? { logprobs: choice.logprobs } : {}) };
  });
}

describe('createChatStreamTranslator', () => {
  it('streams text with the role on the first chunk only, then a finish chunk (A.3 #40)', () => {
    const output = run([chatChunk({ content: 'Hello' }), chatChunk({ content: ' world' }), finalChatChunk({}, { content: '!' })]);
    expect(deltas(output)).toEqual([
      { delta: { role: 'assistant', content: 'Hello' }, finish: null },
      { delta: { content: ' world' }, finish: null },
      { delta: { content: '!' }, finish: null },
      { delta: {}, finish: 'stop' },
    ]);
    for (const chunk of output) expect(chunk).toMatchObject({ ...identity, object: 'chat.completion.chunk' });
  });

  it('skips the empty metrics trailer and sends usage last when asked (A.3 #44)', () => {
    const output = run([chatChunk({ content: 'Hi' }), finalChatChunk({ prompt_eval_count: 3, eval_count: 1 })], { includeUsage: true });
    expect(deltas(output)).toEqual([
      { delta: { role: 'assistant', content: 'Hi' }, finish: null },
      { delta: {}, finish: 'stop' },
      { usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
    ]);
    expect(output[2]?.choices).toEqual([]);
  });

  it('still opens the message of an empty completion (A.3 #46)', () => {
    expect(deltas(run([finalChatChunk()]))).toEqual([
      { delta: { role: 'assistant', content: '' }, finish: null },
      { delta: {}, finish: 'stop' },
    ]);
  });

  it('sends reasoning as reasoning_content before the content of the same chunk (A.1 #14)', () => {
    const output = run([
      chatChunk({ thinking: 'Let me' }),
      chatChunk({ thinking: ' think.' }),
      chatChunk({ thinking: 'step-by-step', content: 'final answer' }),
      finalChatChunk(),
    ]);
    expect(deltas(output)).toEqual([
      { delta: { role: 'assistant', content: null, reasoning_content: 'Let me' }, finish: null },
      { delta: { reasoning_content: ' think.' }, finish: null },
      { delta: { reasoning_content: 'step-by-step' }, finish: null },
      { delta: { content: 'final answer' }, finish: null },
      { delta: {}, finish: 'stop' },
    ]);
  });

  it('drops reasoning when it is excluded', () => {
    const output = run([chatChunk({ thinking: 'secret' }), chatChunk({ content: 'answer' }), finalChatChunk()], { excludeReasoning: true });
    expect(deltas(output)).toEqual([
      { delta: { role: 'assistant', content: 'answer' }, finish: null },
      { delta: {}, finish: 'stop' },
    ]);
  });

  it('sends a whole tool call as one delta with null content and finishes with tool_calls (A.3 #43)', () => {
    const output = run([chatChunk({ tool_calls: [toolCall('get_weather', { city: 'Paris' }, 'call_k3j9x0ab')] }), finalChatChunk()]);
    expect(deltas(output)).toEqual([
      {
        delta: {
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: 'call_k3j9x0ab', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
        },
        finish: null,
      },
      { delta: {}, finish: 'tool_calls' },
    ]);
  });

  it('numbers calls across chunks itself, keeps native ids (A.1 #7) and creates missing ones', () => {
    const output = run([
      chatChunk({ thinking: 'Two lookups.' }),
      chatChunk({ tool_calls: [toolCall('get_weather', { location: 'Seattle' }, 'call_abc123', 2)] }),
      // llama-server path: calls arrive on the final chunk, Ollama's index restarting at 0.
      finalChatChunk({}, { tool_calls: [toolCall('get_time', { timezone: 'UTC' }, undefined, 0), toolCall('get_time', { timezone: 'CET' }, 'call_x', 1)] }),
    ]);
    const calls = output.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls.map((call) => [call.index, call.function.name, call.function.arguments])).toEqual([
      [0, 'get_weather', '{"location":"Seattle"}'],
      [1, 'get_time', '{"timezone":"UTC"}'],
      [2, 'get_time', '{"timezone":"CET"}'],
    ]);
    expect(calls[0]?.id).toBe('call_abc123');
    expect(calls[1]?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(calls[2]?.id).toBe('call_x');
    expect(output.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('passes only the first call when parallel tool calls are off', () => {
    const output = run([chatChunk({ tool_calls: [toolCall('a', {}, 'c1'), toolCall('b', {}, 'c2', 1)] }), finalChatChunk({}, { tool_calls: [toolCall('c', {}, 'c3')] })], {
      parallelToolCalls: false,
    });
    expect(output.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).map((call) => call.id)).toEqual(['c1']);
  });

  it.each([
    ['stop', false, 'stop'],
    ['length', false, 'length'],
    ['stop', true, 'tool_calls'],
    ['length', true, 'length'],
    [undefined, false, 'stop'],
    ['unload', false, 'stop'],
    ['unload', true, 'tool_calls'],
  ] as const)('done_reason %s with tool call %s → finish_reason %s (A.1 #20, adapted to OpenAI\'s enum)', (doneReason, withCall, expected) => {
    const chunks = [
      ...(withCall ? [chatChunk({ tool_calls: [toolCall('f', {}, 'c1')] })] : [chatChunk({ content: 'x' })]),
      finalChatChunk({ done_reason: doneReason }),
    ];
    expect(run(chunks).at(-1)?.choices[0]?.finish_reason).toBe(expected);
  });

  it('maps logprobs to choices[].logprobs.content, also on a done chunk without text (A.3 #45)', () => {
    const output = run(
      [
        chatChunk({ content: 'Hello' }, { logprobs: [logprob('Hello', -0.5, [['Hello', -0.5], ['Hi', -1.2]])] }),
        finalChatChunk({ logprobs: [logprob(' there', -0.1)] }),
      ],
      {},
    );
    expect(deltas(output)).toEqual([
      {
        delta: { role: 'assistant', content: 'Hello' },
        finish: null,
        logprobs: {
          content: [
            {
              token: 'Hello',
              logprob: -0.5,
              bytes: [72, 101, 108, 108, 111],
              top_logprobs: [
                { token: 'Hello', logprob: -0.5, bytes: [72, 101, 108, 108, 111] },
                { token: 'Hi', logprob: -1.2, bytes: [72, 105] },
              ],
            },
          ],
          refusal: null,
        },
      },
      { delta: {}, finish: null, logprobs: { content: [{ token: ' there', logprob: -0.1, bytes: [32, 116, 104, 101, 114, 101], top_logprobs: [] }], refusal: null } },
      { delta: {}, finish: 'stop' },
    ]);
  });

  it('keeps the logprobs of reasoning and tool-call chunks out of logprobs.content, shown or excluded', () => {
    const chunks = [
      chatChunk({ content: '', thinking: 'secret' }, { logprobs: [logprob('secret', -0.3)] }),
      chatChunk({ content: 'Answer' }, { logprobs: [logprob('Answer', -0.2)] }),
      finalChatChunk(),
    ];
    for (const excludeReasoning of [false, true]) {
      const tokens = run(chunks, { excludeReasoning }).flatMap((chunk) => chunk.choices[0]?.logprobs?.content ?? []).map((entry) => entry.token);
      expect(tokens).toEqual(['Answer']);
    }
  });

  it('tags every chunk with its choice index', () => {
    const output = run([chatChunk({ content: 'b' }), finalChatChunk()], { choiceIndex: 1 });
    expect(output.map((chunk) => chunk.choices[0]?.index)).toEqual([1, 1]);
  });

  describe('forced tool mode', () => {
    const forced = { toolMode: 'forced', forcedToolNames: ['get_weather', 'get_time'] } as const;

    it('holds back the constrained JSON and sends it as one tool call, streaming reasoning meanwhile', () => {
      const output = run(
        [
          chatChunk({ thinking: 'Weather it is.' }),
          chatChunk({ content: '{"name": "get_weather", ' }),
          chatChunk({ content: '"arguments": {"location": "Paris"}}' }),
          finalChatChunk({ prompt_eval_count: 10, eval_count: 5 }),
        ],
        { ...forced, includeUsage: true },
      );
      expect(deltas(output)).toMatchObject([
        { delta: { role: 'assistant', content: null, reasoning_content: 'Weather it is.' }, finish: null },
        { delta: { tool_calls: [{ index: 0, type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }] }, finish: null },
        { delta: {}, finish: 'tool_calls' },
        { usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
      ]);
      expect(output[1]?.choices[0]?.delta.tool_calls?.[0]?.id).toMatch(/^call_/);
    });

    it('passes native tool calls through when Ollama parsed the output itself', () => {
      const output = run([chatChunk({ tool_calls: [toolCall('get_time', { zone: 'UTC' }, 'call_n')] }), finalChatChunk()], forced);
      expect(deltas(output)).toEqual([
        { delta: { role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_n', type: 'function', function: { name: 'get_time', arguments: '{"zone":"UTC"}' } }] }, finish: null },
        { delta: {}, finish: 'tool_calls' },
      ]);
    });

    it('hands over the raw text when the JSON was cut short', () => {
      const output = run([chatChunk({ content: '{"name": "get_weather", "argum' }), finalChatChunk({ done_reason: 'length' })], forced);
      expect(deltas(output)).toEqual([
        { delta: { role: 'assistant', content: '{"name": "get_weather", "argum' }, finish: null },
        { delta: {}, finish: 'length' },
      ]);
    });

    it('does not accept a tool name outside the forced set', () => {
      const output = run([chatChunk({ content: '{"name":"rm_rf","arguments":{}}' }), finalChatChunk()], forced);
      expect(output[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '{"name":"rm_rf","arguments":{}}' });
    });
  });

  it('ignores anything after the final chunk', () => {
    const translator = createChatStreamTranslator({ ...identity, includeUsage: true, excludeReasoning: false, toolMode: 'auto' });
    expect(translator.finish(finalChatChunk()).length).toBe(3);
    expect(translator.push(chatChunk({ content: 'late' }))).toEqual([]);
    expect(translator.finish(finalChatChunk())).toEqual([]);
  });

  it('reports usage and finish reason after finish', () => {
    const translator = createChatStreamTranslator({ ...identity, includeUsage: false, excludeReasoning: false, toolMode: 'auto' });
    expect(translator.usage()).toBeUndefined();
    translator.push(chatChunk({ content: 'x' }));
    translator.finish(finalChatChunk({ done_reason: 'length', prompt_eval_count: 2, eval_count: 1 }));
    expect(translator.usage()).toEqual({ prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 });
    expect(translator.finishReason()).toBe('length');
  });
});

describe('chatUsageChunk', () => {
  it('counts the shared prompt once and sums the completions of every choice', () => {
    const chunk = chatUsageChunk(identity, [
      { prompt_tokens: 26, completion_tokens: 10, total_tokens: 36 },
      { prompt_tokens: 26, completion_tokens: 7, total_tokens: 33 },
    ]);
    assertOpenAPI('CreateChatCompletionStreamResponse', chunk);
    expect(chunk).toEqual({ ...identity, object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 26, completion_tokens: 17, total_tokens: 43 } });
  });
});

describe('createChatCompletionId', () => {
  it('is a crypto-random chatcmpl- id', () => {
    const ids = new Set(Array.from({ length: 100 }, createChatCompletionId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^chatcmpl-[A-Za-z0-9]{24}$/);
  });
});
