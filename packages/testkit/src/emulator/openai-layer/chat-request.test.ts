import { describe, expect, it } from 'vitest';
import { fromChatCompletionRequest, thinkFromEffort } from './chat-request.ts';

function errorOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return `${(error as { status: number }).status} ${(error as Error).message}`;
  }
}

const png = 'iVBORw0KGgo=';

describe('fromChatCompletionRequest', () => {
  it('defaults temperature and top_p to 1.0 and stream to false', () => {
    expect(fromChatCompletionRequest({ model: 'test-model', messages: [{ role: 'user', content: 'Hello' }] })).toEqual({
      native: { model: 'test-model', messages: [{ role: 'user', content: 'Hello' }], options: { temperature: 1.0, top_p: 1.0 }, stream: false },
      includeUsage: false,
    });
  });

  it('maps options, response_format, reasoning_effort and include_usage', () => {
    const converted = fromChatCompletionRequest({
      model: 'qwen3',
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 999,
      seed: 123,
      stop: ['\n', 'stop'],
      temperature: 0.2,
      frequency_penalty: 4,
      presence_penalty: 5,
      response_format: { type: 'json_object' },
      reasoning_effort: 'low',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(converted.includeUsage).toBe(true);
    expect(converted.native).toEqual({
      model: 'qwen3',
      messages: [{ role: 'user', content: 'Hello' }],
      format: 'json',
      stream: true,
      think: 'low',
      options: { num_predict: 999, seed: 123, stop: ['\n', 'stop'], temperature: 0.2, top_p: 1.0, frequency_penalty: 4, presence_penalty: 5 },
    });
  });

  it('uses the json_schema schema as format and a bare stop string as a list', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const { native } = fromChatCompletionRequest({
      model: 'm',
      stop: 'END',
      response_format: { type: 'json_schema', json_schema: { name: 'x', strict: true, schema } },
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(native.format).toEqual(schema);
    expect(native.options?.stop).toEqual(['END']);
  });

  it('splits array content into one message per part and strips image data URLs', () => {
    const { native } = fromChatCompletionRequest({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hello' },
            { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${png}` } },
          ],
        },
      ],
    });
    expect(native.messages).toEqual([
      { role: 'user', content: 'Hello' },
      { role: 'user', content: '', images: [png] },
    ]);
  });

  it('parses tool call arguments and resolves tool names from call ids', () => {
    const { native } = fromChatCompletionRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          reasoning: 'Need a tool.',
          tool_calls: [{ id: 'id_abc', type: 'function', function: { name: 'get_current_weather', arguments: '{"location":"Paris, France","format":"celsius"}' } }],
        },
        { role: 'tool', tool_call_id: 'id_abc', content: 'The weather in Paris is 20 degrees' },
      ],
    });
    expect(native.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: '',
        thinking: 'Need a tool.',
        tool_calls: [{ id: 'id_abc', function: { index: 0, name: 'get_current_weather', arguments: { location: 'Paris, France', format: 'celsius' } } }],
      },
      { role: 'tool', content: 'The weather in Paris is 20 degrees', tool_name: 'get_current_weather', tool_call_id: 'id_abc' },
    ]);
  });

  it.each([
    [{ model: 'm', messages: [] }, "400 [] is too short - 'messages'"],
    [{ model: 'm' }, "400 [] is too short - 'messages'"],
    [{ model: 'm', messages: [{ role: 'user', content: 2 }] }, '400 invalid message content type: float64'],
    [{ model: 'm', messages: [{ role: 'user' }] }, '400 invalid message content type: <nil>'],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'file' }] }] }, '400 invalid message format'],
    [
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'https://x/y.png' }] }] },
      '400 image URLs are not currently supported, please use base64 encoded data instead',
    ],
    [{ model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'data:image/gif;base64,R0lG' }] }] }, '400 invalid image input'],
    [
      { model: 'm', messages: [{ role: 'assistant', content: '', tool_calls: [{ function: { name: 'f', arguments: '{' } }] }] },
      '400 invalid tool call arguments',
    ],
  ])('rejects %j', (body, expected) => {
    expect(errorOf(() => fromChatCompletionRequest(body))).toBe(expected);
  });
});

describe('thinkFromEffort', () => {
  it.each([
    [undefined, undefined],
    ['high', 'high'],
    ['medium', 'medium'],
    ['low', 'low'],
    ['max', 'max'],
    ['minimal', 'low'],
    ['xhigh', 'max'],
    ['ultra', 'max'],
    ['none', false],
  ])('%s → %s', (effort, think) => {
    expect(thinkFromEffort(effort)).toBe(think);
  });

  it('rejects anything else', () => {
    expect(errorOf(() => thinkFromEffort('extreme'))).toBe(
      '400 invalid reasoning value: "extreme" (must be "minimal", "low", "medium", "high", "xhigh", "ultra", "max", or "none")',
    );
  });
});
