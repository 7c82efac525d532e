import { describe, expect, it } from 'vitest';
import { chatChunk, finalChatChunk, logprob, toolCall, assertOpenAPI } from '../testing/index.ts';
import { aggregateChatCompletion, createChatCompletionAggregator } from './aggregate.ts';

const options = { id: 'chatcmpl-417', model: 'qwen3', created: 1755800000, excludeReasoning: false, toolMode: 'auto' } as const;

describe('aggregateChatCompletion', () => {
  it('builds the documented tool-call completion with null content (reference §5.2, adapted)', () => {
    const completion = aggregateChatCompletion(options, [
      [
        chatChunk({ thinking: 'Need a tool.' }),
        chatChunk({ tool_calls: [toolCall('get_weather', { city: 'Paris' }, 'call_k3j9x0ab')] }),
        finalChatChunk({ prompt_eval_count: 26, eval_count: 15 }),
      ],
    ]);
    assertOpenAPI('CreateChatCompletionResponse', completion);
    expect(completion).toEqual({
      id: 'chatcmpl-417',
      object: 'chat.completion',
      created: 1755800000,
      model: 'qwen3',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            reasoning_content: 'Need a tool.',
            tool_calls: [{ id: 'call_k3j9x0ab', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 26, completion_tokens: 15, total_tokens: 41 },
    });
  });

  it('concatenates text and logprobs, keeping content next to tool calls (A.1 #12)', () => {
    const completion = aggregateChatCompletion(options, [
      [
        chatChunk({ content: 'Hello' }, { logprobs: [logprob('Hello', -0.5, [['Hello', -0.5], ['Hi', -1]])] }),
        chatChunk({ content: ' there' }, { logprobs: [logprob(' there', -0.5, [[' there', -0.5], [' you', -2]])] }),
        finalChatChunk({ done_reason: 'length' }),
      ],
    ]);
    assertOpenAPI('CreateChatCompletionResponse', completion);
    const [choice] = completion.choices;
    expect(choice?.message).toEqual({ role: 'assistant', content: 'Hello there', refusal: null });
    expect(choice?.finish_reason).toBe('length');
    expect(choice?.logprobs?.content?.map((entry) => [entry.token, entry.top_logprobs.length])).toEqual([
      ['Hello', 2],
      [' there', 2],
    ]);
  });

  it('gives an empty string, not null, to an empty answer without tool calls', () => {
    const completion = aggregateChatCompletion(options, [[finalChatChunk()]]);
    expect(completion.choices[0]?.message.content).toBe('');
    expect(completion.choices[0]?.logprobs).toBeNull();
  });

  it('turns forced-mode JSON into a tool call', () => {
    const completion = aggregateChatCompletion({ ...options, toolMode: 'forced', forcedToolNames: ['get_time'] }, [
      [chatChunk({ content: '{"name":"get_time","arguments":{"zone":"UTC"}}' }), finalChatChunk()],
    ]);
    assertOpenAPI('CreateChatCompletionResponse', completion);
    expect(completion.choices[0]).toMatchObject({
      message: { content: null, tool_calls: [{ type: 'function', function: { name: 'get_time', arguments: '{"zone":"UTC"}' } }] },
      finish_reason: 'tool_calls',
    });
  });

  it('assembles n choices in order with combined usage', () => {
    const aggregator = createChatCompletionAggregator(options, 2);
    aggregator.push(1, chatChunk({ content: 'second' }));
    aggregator.push(0, chatChunk({ content: 'first' }));
    aggregator.finish(1, finalChatChunk({ prompt_eval_count: 26, eval_count: 4 }));
    expect(() => aggregator.result()).toThrow('choice 0 has not finished');
    aggregator.finish(0, finalChatChunk({ prompt_eval_count: 26, eval_count: 6 }));
    const completion = aggregator.result();
    assertOpenAPI('CreateChatCompletionResponse', completion);
    expect(completion.choices.map((choice) => [choice.index, choice.message.content])).toEqual([
      [0, 'first'],
      [1, 'second'],
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 26, completion_tokens: 10, total_tokens: 36 });
  });

  it('rejects a choice index outside n', () => {
    expect(() => createChatCompletionAggregator(options, 1).push(1, chatChunk({ content: 'x' }))).toThrow(RangeError);
  });
});
