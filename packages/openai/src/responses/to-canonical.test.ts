import { describe, expect, it } from 'vitest';
import type { Message } from '@corral/ollama';
import { parseResponsesRequest } from './request-schema.ts';
import { collectResponsesImageUrls } from './input.ts';
import { responsesToNative, type ResponsesNativeContext, type ResponsesTranslation } from './to-canonical.ts';

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function translate(body: Record<string, unknown>, context: Partial<ResponsesNativeContext> = {}): ResponsesTranslation {
  const parsed = parseResponsesRequest({ model: 'alias', ...body });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  const translated = responsesToNative(parsed.value, { model: 'qwen3:8b', ...context });
  if (!translated.ok) throw new Error(JSON.stringify(translated.error));
  return translated.value;
}

function errorOf(body: Record<string, unknown>) {
  const parsed = parseResponsesRequest({ model: 'alias', ...body });
  if (!parsed.ok) return parsed.error;
  const translated = responsesToNative(parsed.value, { model: 'qwen3:8b' });
  if (translated.ok) throw new Error('expected a failure');
  return translated.error;
}

const messagesOf = (body: Record<string, unknown>, context: Partial<ResponsesNativeContext> = {}) => translate(body, context).native.messages;

describe('parseResponsesRequest', () => {
  it.each([
    ['missing input', { model: 'm' }, 'input'],
    ['numeric input (A.5 #82)', { model: 'm', input: 123 }, 'input'],
    ['unknown item type (A.5 #88)', { model: 'm', input: [{ type: 'unknown_type' }] }, 'input[0].type'],
    ['item without type or role (A.5 #89)', { model: 'm', input: [{ content: 'x' }] }, 'input[0].type'],
    ['unknown content type (A.5 #79)', { model: 'm', input: [{ role: 'user', content: [{ type: 'unknown' }] }] }, 'input[0].content[0].type'],
    ['hosted tool', { model: 'm', input: 'x', tools: [{ type: 'web_search' }] }, 'tools[0].type'],
    ['item reference', { model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0]'],
    ['background', { model: 'm', input: 'x', background: true }, 'background'],
    ['conversation', { model: 'm', input: 'x', conversation: 'conv_1' }, 'conversation'],
    ['stored prompt', { model: 'm', input: 'x', prompt: { id: 'pmpt_1' } }, 'prompt'],
    ['logprobs', { model: 'm', input: 'x', top_logprobs: 3 }, 'top_logprobs'],
    ['logprobs include', { model: 'm', input: 'x', include: ['message.output_text.logprobs'] }, 'include'],
    ['unknown forced tool', { model: 'm', input: 'x', tools: [{ type: 'function', name: 'a' }], tool_choice: { type: 'function', name: 'b' } }, 'tool_choice'],
    ['bad effort (A.5 #97 invalid)', { model: 'm', input: 'x', reasoning: { effort: 'extreme' } }, 'reasoning.effort'],
  ])('rejects %s', (_name, body, param) => {
    const result = parseResponsesRequest(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.status, result.error.param]).toEqual([400, param]);
  });
});

describe('responsesToNative', () => {
  it('turns instructions and string input into system + user (A.5 #70, #118), always streaming', () => {
    const translation = translate({ input: 'Hello', instructions: 'Be brief.' });
    expect(translation.native).toEqual({
      model: 'qwen3:8b',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
      stream: true,
    });
    expect(translation.conversation).toEqual([{ role: 'user', content: 'Hello' }]);
    expect([translation.stream, translation.store, translation.toolMode, translation.includeEncryptedReasoning]).toEqual([false, true, 'auto', false]);
  });

  it('maps sampling, max_output_tokens, text format and effort (A.5 #119, #120, #121, #97)', () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] };
    const translation = translate({
      input: 'x',
      temperature: 0.5,
      top_p: 0.9,
      max_output_tokens: 100,
      text: { format: { type: 'json_schema', name: 'person', strict: true, schema } },
      reasoning: { effort: 'minimal' },
    });
    expect(translation.native).toMatchObject({ options: { temperature: 0.5, top_p: 0.9, num_predict: 100 }, format: schema, think: 'low' });
    expect(translate({ input: 'x', text: { format: { type: 'text' } } }).native.format).toBeUndefined();
    expect(translate({ input: 'x', text: { format: { type: 'json_object' } } }).native.format).toBe('json');
    expect(translate({ input: 'x', reasoning: { effort: 'none' } }).native.think).toBe(false);
    expect(translate({ input: 'x', reasoning: { effort: 'xhigh' } }).native.think).toBe('max');
  });

  it('accepts shorthand messages and output_text history (A.5 #122–#124)', () => {
    expect(
      messagesOf({
        input: [
          { role: 'user', content: 'Hi' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi there!' }] },
          { role: 'developer', content: [{ type: 'input_text', text: 'Rule one.' }, { type: 'input_text', text: 'Rule two.' }] },
          { role: 'user', content: 'What is the weather in Tokyo?' },
        ],
      }),
    ).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hi there!' },
      { role: 'system', content: 'Rule one.\nRule two.' },
      { role: 'user', content: 'What is the weather in Tokyo?' },
    ]);
  });

  it('converts function calls and their outputs (A.5 #98, #99)', () => {
    expect(
      messagesOf({
        input: [
          { role: 'user', content: 'Weather?' },
          { type: 'function_call', call_id: 'call_abc123', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { type: 'function_call_output', call_id: 'call_abc123', output: [{ type: 'input_text', text: 'sunny' }, { type: 'input_text', text: ', 72F' }] },
        ],
      }),
    ).toEqual([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_abc123', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } }] },
      { role: 'tool', content: 'sunny\n, 72F', tool_call_id: 'call_abc123', tool_name: 'get_weather' },
    ]);
  });

  it('attaches images of a function output to the tool message (A.5 #100)', () => {
    const [, , tool] = messagesOf({
      input: [
        { role: 'user', content: 'Look' },
        { type: 'function_call', call_id: 'c1', name: 'screenshot', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'attached image' }, { type: 'input_image', image_url: `data:image/png;base64,${png}` }] },
      ],
    });
    expect(tool).toEqual({ role: 'tool', content: 'attached image', tool_call_id: 'c1', tool_name: 'screenshot', images: [png] });
  });

  it.each([
    [
      'calls join the preceding assistant message (A.5 #101, #103)',
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'Let me check.' },
        { type: 'function_call', call_id: 'a', name: 'fa', arguments: '{}' },
        { type: 'function_call', call_id: 'b', name: 'fb', arguments: '{}' },
      ],
      [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'a', function: { index: 0, name: 'fa', arguments: {} } }, { id: 'b', function: { index: 1, name: 'fb', arguments: {} } }] }],
    ],
    [
      'a new assistant message starts a new group (A.5 #104)',
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'First batch.' },
        { type: 'function_call', call_id: 'a', name: 'fa', arguments: '{}' },
        { role: 'assistant', content: 'Second batch.' },
        { type: 'function_call', call_id: 'c', name: 'fc', arguments: '{}' },
      ],
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'First batch.', tool_calls: [{ id: 'a', function: { index: 0, name: 'fa', arguments: {} } }] },
        { role: 'assistant', content: 'Second batch.', tool_calls: [{ id: 'c', function: { index: 0, name: 'fc', arguments: {} } }] },
      ],
    ],
    [
      'a message between a call and its output fills the call\'s turn (A.5 #91)',
      [
        { role: 'user', content: 'x' },
        { type: 'function_call', call_id: 'call_test', name: 'exec_command', arguments: '{"cmd":"pwd"}' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Running it.' }] },
        { type: 'function_call_output', call_id: 'call_test', output: '/tmp' },
      ],
      [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: 'Running it.', tool_calls: [{ id: 'call_test', function: { index: 0, name: 'exec_command', arguments: { cmd: 'pwd' } } }] },
        { role: 'tool', content: '/tmp', tool_call_id: 'call_test', tool_name: 'exec_command' },
      ],
    ],
    [
      'reasoning becomes the thinking of the next turn (A.5 #105, #112, #113)',
      [
        { role: 'user', content: 'x' },
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'short' }], encrypted_content: 'full thinking' },
        { role: 'assistant', content: 'Answer.' },
        { type: 'function_call', call_id: 'a', name: 'fa', arguments: '{}' },
      ],
      [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'Answer.', thinking: 'full thinking', tool_calls: [{ id: 'a', function: { index: 0, name: 'fa', arguments: {} } }] }],
    ],
    [
      'summary stands in for missing encrypted content; trailing reasoning is its own turn (A.5 #116)',
      [
        { role: 'user', content: 'x' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'pondering' }] },
      ],
      [{ role: 'user', content: 'x' }, { role: 'assistant', content: '', thinking: 'pondering' }],
    ],
  ])('%s', (_name, input, expected) => {
    expect(messagesOf({ input })).toEqual(expected);
  });

  it.each([
    ['an output without its call', [{ type: 'function_call_output', call_id: 'nope', output: 'x' }], 'input[0].call_id'],
    ['invalid call arguments', [{ type: 'function_call', call_id: 'a', name: 'f', arguments: '{' }], 'input[0].arguments'],
    ['a file input', [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }], 'input[0].content[0].type'],
    ['an image by file id', [{ role: 'user', content: [{ type: 'input_image', file_id: 'f' }] }], 'input[0].content[0].file_id'],
    ['a gif-less bad data URL (A.5 #107)', [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,!!!' }] }], 'input[0].content[0].image_url'],
  ])('rejects %s', (_name, input, param) => {
    expect(errorOf({ input })).toMatchObject({ status: 400, param });
  });

  it('puts images with their text (A.5 #108) and uses fetched bytes for URLs', () => {
    const body = {
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'What is this?' }, { type: 'input_image', image_url: `data:image/png;base64,${png}` }, { type: 'input_image', image_url: 'https://example.com/cat.jpg', detail: 'auto' }] }],
    };
    const parsed = parseResponsesRequest({ model: 'm', ...body });
    if (!parsed.ok) throw new Error('parse failed');
    expect(collectResponsesImageUrls(parsed.value)).toEqual(['https://example.com/cat.jpg']);
    expect(messagesOf(body, { resolvedImages: new Map([['https://example.com/cat.jpg', 'Q0FU']]) })).toEqual([{ role: 'user', content: 'What is this?', images: [png, 'Q0FU'] }]);
  });

  it('continues a stored conversation without its old instructions', () => {
    const previousMessages: Message[] = [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', function: { name: 'get_weather', arguments: {} } }] },
    ];
    const translation = translate({ input: [{ type: 'function_call_output', call_id: 'call_1', output: '20C' }], instructions: 'New rules.', previous_response_id: 'resp_prev' }, { previousMessages });
    expect(translation.native.messages).toEqual([
      { role: 'system', content: 'New rules.' },
      ...previousMessages,
      { role: 'tool', content: '20C', tool_call_id: 'call_1', tool_name: 'get_weather' },
    ]);
    expect(translation.conversation).toEqual(translation.native.messages.slice(1));
    expect(translation.settings.previous_response_id).toBe('resp_prev');
  });

  it('converts function tools (A.5 #93) and forces a named one', () => {
    const shell = { type: 'function', name: 'shell', description: 'Run', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] } };
    const auto = translate({ input: 'x', tools: [shell] });
    expect(auto.native.tools).toEqual([{ type: 'function', function: { name: 'shell', description: 'Run', parameters: shell.parameters } }]);
    const forced = translate({ input: 'x', tools: [shell], tool_choice: { type: 'function', name: 'shell' } });
    expect([forced.toolMode, forced.forcedToolNames]).toEqual(['forced', ['shell']]);
    expect(forced.native.format).toMatchObject({ properties: { name: { enum: ['shell'] }, arguments: shell.parameters } });
    expect(errorOf({ input: 'x', tools: [shell], tool_choice: 'required', text: { format: { type: 'json_object' } } })).toMatchObject({ param: 'text.format' });
  });

  it('reports the request back in settings', () => {
    const settings = translate({
      input: 'x',
      instructions: 'I',
      tools: [{ type: 'function', name: 'f' }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      max_tool_calls: 2,
      temperature: 0.1,
      store: false,
      metadata: { k: 'v' },
      reasoning: { effort: 'high', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
    });
    expect(settings.settings).toMatchObject({
      instructions: 'I',
      tools: [{ type: 'function', name: 'f', description: null, parameters: null, strict: null }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      max_tool_calls: 2,
      temperature: 0.1,
      top_p: null,
      store: false,
      metadata: { k: 'v' },
      reasoning: { effort: 'high', summary: 'auto' },
      think: 'high',
    });
    expect([settings.store, settings.parallelToolCalls, settings.maxToolCalls, settings.includeEncryptedReasoning]).toEqual([false, false, 2, true]);
  });

  it('applies overrides beneath the request', () => {
    const translation = translate({ input: 'x', max_output_tokens: 5 }, { overrides: { options: { num_ctx: 8192, num_predict: 50 }, think: 'low', keep_alive: '30m', excludeReasoning: true } });
    expect(translation.native).toMatchObject({ options: { num_ctx: 8192, num_predict: 5 }, think: 'low', keep_alive: '30m' });
    expect(translation.excludeReasoning).toBe(true);
  });
});
