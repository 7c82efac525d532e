import { describe, expect, it } from 'vitest';
import type { Result } from './errors.ts';
import { parseCountTokensRequest, parseMessagesRequest } from './request-schema.ts';
import { createThinkingSigner } from './signature.ts';
import { countTokensToChat, messagesToChat, type MessagesNativeContext, type MessagesTranslation } from './to-native.ts';

const signer = createThinkingSigner('test-key-test-key-test-key-test-key');
const context: MessagesNativeContext = {
  model: 'llama3.2:latest',
  resolvedImages: new Map([['https://img.example/cat.png', 'Y2F0']]),
  verifyThinking: signer.verify,
};

function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

function translate(body: Record<string, unknown>, overrides: Partial<MessagesNativeContext> = {}): Result<MessagesTranslation> {
  return messagesToChat(value(parseMessagesRequest({ model: 'llama3.2', max_tokens: 100, ...body })), { ...context, ...overrides });
}

const weatherTool = { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const nativeWeatherTool = { type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: weatherTool.input_schema } };

describe('messagesToChat', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['a string prompt with max_tokens as num_predict', { messages: [{ role: 'user', content: 'Hi' }] }, { messages: [{ role: 'user', content: 'Hi' }], options: { num_predict: 100 } }],
    [
      'system blocks joined into one system message',
      { system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Be kind.' }], messages: [{ role: 'user', content: 'Hi' }] },
      { messages: [{ role: 'system', content: 'Be brief.\nBe kind.' }, { role: 'user', content: 'Hi' }] },
    ],
    ['an empty system left out', { system: '', messages: [{ role: 'user', content: 'Hi' }] }, { messages: [{ role: 'user', content: 'Hi' }] }],
    [
      'sampling and stop sequences as options',
      { temperature: 0.2, top_p: 0.8, top_k: 20, stop_sequences: ['END', '\n\n'], messages: [{ role: 'user', content: 'Hi' }] },
      { options: { num_predict: 100, temperature: 0.2, top_p: 0.8, top_k: 20, stop: ['END', '\n\n'] } },
    ],
    [
      'images: base64 inline, URLs from the downloads',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare' },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO\nRw==' } },
              { type: 'image', source: { type: 'url', url: 'https://img.example/cat.png' } },
            ],
          },
        ],
      },
      { messages: [{ role: 'user', content: 'Compare', images: ['iVBORw==', 'Y2F0'] }] },
    ],
    [
      'a tool round trip: tool_use → assistant tool_calls, tool_result → tool messages before the text',
      {
        tools: [weatherTool],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
              { type: 'tool_result', tool_use_id: 'toolu_2', content: 'no such city', is_error: true },
              { type: 'text', text: 'And so?' },
            ],
          },
        ],
      },
      {
        tools: [nativeWeatherTool],
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'toolu_1', function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
          { role: 'tool', content: 'sunny', tool_call_id: 'toolu_1', tool_name: 'get_weather', images: ['AAAA'] },
          { role: 'tool', content: 'Error: no such city', tool_call_id: 'toolu_2' },
          { role: 'user', content: 'And so?' },
        ],
      },
    ],
    [
      'a signed thinking block → the assistant message thinking; redacted thinking left out',
      {
        messages: [
          { role: 'user', content: 'Q' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'Let me think.', signature: signer.sign('Let me think.') }, { type: 'redacted_thinking', data: 'x' }, { type: 'text', text: 'A' }] },
          { role: 'user', content: 'Again' },
        ],
      },
      { messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A', thinking: 'Let me think.' }, { role: 'user', content: 'Again' }] },
    ],
    ['tool_choice none drops the tools', { tools: [weatherTool], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'Hi' }] }, { messages: [{ role: 'user', content: 'Hi' }] }],
    ['output_config.format → format', { output_config: { format: { type: 'json_schema', schema: { type: 'object' } } }, messages: [{ role: 'user', content: 'Hi' }] }, { format: { type: 'object' } }],
  ])('%s', (_, body, expected) => {
    const translation = value(translate(body));
    expect(translation.native).toMatchObject({ model: 'llama3.2:latest', stream: true, ...expected });
    if (!('tools' in expected)) expect(translation.native.tools).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, unknown]>([
    ['no thinking asked: left to the model', {}, undefined],
    ['enabled with a budget: on', { thinking: { type: 'enabled', budget_tokens: 2048 }, max_tokens: 4096 }, true],
    ['disabled: off, whatever the effort', { thinking: { type: 'disabled' }, output_config: { effort: 'high' } }, false],
    ['adaptive: on', { thinking: { type: 'adaptive' } }, true],
    ['adaptive with an effort: that level', { thinking: { type: 'adaptive' }, output_config: { effort: 'low' } }, 'low'],
    ['enabled with an effort: that level', { thinking: { type: 'enabled', budget_tokens: 1024 }, output_config: { effort: 'medium' }, max_tokens: 2048 }, 'medium'],
    ['effort alone: that level', { output_config: { effort: 'high' } }, 'high'],
    ['xhigh: Ollama max', { output_config: { effort: 'xhigh' } }, 'max'],
  ])('think: %s', (_, body, think) => {
    const translation = value(translate({ messages: [{ role: 'user', content: 'Hi' }], ...body }));
    expect(translation.native.think).toBe(think);
  });

  it('applies model overrides below the request: options, think, keep_alive, excluded reasoning', () => {
    const translation = value(
      translate({ temperature: 0.1, messages: [{ role: 'user', content: 'Hi' }] }, { overrides: { options: { temperature: 0.9, num_ctx: 8192 }, think: 'high', keep_alive: '10m', excludeReasoning: true } }),
    );
    expect(translation.native).toMatchObject({ options: { num_predict: 100, temperature: 0.1, num_ctx: 8192 }, think: 'high', keep_alive: '10m' });
    expect(translation.excludeThinking).toBe(true);
  });

  it.each([
    ['any', { type: 'any' }, ['get_weather', 'get_time']],
    ['tool', { type: 'tool', name: 'get_time' }, ['get_time']],
  ])('tool_choice %s forces a call with a format over the allowed tools', (_, choice, names) => {
    const timeTool = { name: 'get_time', input_schema: { type: 'object', properties: {} } };
    const translation = value(translate({ tools: [weatherTool, timeTool], tool_choice: choice, messages: [{ role: 'user', content: 'Hi' }] }));
    expect(translation.toolMode).toBe('forced');
    expect(translation.forcedToolNames).toEqual(names);
    expect(translation.native.tools?.map((tool) => tool.function.name)).toEqual(names);
    expect(JSON.stringify(translation.native.format)).toContain('"enum":["get_');
  });

  it('disable_parallel_tool_use limits the answer to one tool call', () => {
    expect(value(translate({ tools: [weatherTool], tool_choice: { type: 'auto', disable_parallel_tool_use: true }, messages: [{ role: 'user', content: 'Hi' }] })).parallelToolCalls).toBe(false);
    expect(value(translate({ tools: [weatherTool], messages: [{ role: 'user', content: 'Hi' }] })).parallelToolCalls).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a tampered thinking signature',
      { messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'Edited thoughts.', signature: signer.sign('Original thoughts.') }] }] },
      'messages.1.content.0: Invalid `signature` in `thinking` block',
    ],
    ['a signature from another key', { messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'T', signature: createThinkingSigner('other-key-other-key-other-key-xx').sign('T') }] }] }, 'messages.1.content.0: Invalid `signature` in `thinking` block'],
    ['a tool_use block in a user message', { messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'n', input: {} }] }] }, "messages.0.content.0.type: 'tool_use' blocks are only allowed in assistant messages."],
    ['a tool_result block in an assistant message', { messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 't' }] }] }, "messages.1.content.0.type: 'tool_result' blocks are only allowed in user messages."],
    ['base64 that is not', { messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'not base64!' } }] }] }, 'messages.0.content.0.source.data: the image data is not valid base64.'],
    ['thinking with a forced tool choice', { tools: [weatherTool], tool_choice: { type: 'any' }, thinking: { type: 'adaptive' }, messages: [{ role: 'user', content: 'Hi' }] }, 'Thinking may not be enabled when tool_choice forces tool use.'],
    [
      'a JSON output format with a forced tool choice',
      { tools: [weatherTool], tool_choice: { type: 'any' }, output_config: { format: { type: 'json_schema', schema: {} } }, messages: [{ role: 'user', content: 'Hi' }] },
      'output_config.format: cannot be combined with a tool_choice that forces tool use.',
    ],
  ])('refuses %s', (_, body, message) => {
    const result = translate(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toEqual({ status: 400, type: 'invalid_request_error', message });
  });
});

describe('countTokensToChat', () => {
  it('is the same prompt (tools and thinking blocks included), generating one token', () => {
    const request = value(
      parseCountTokensRequest({
        model: 'qwen3',
        system: 'S',
        tools: [weatherTool],
        thinking: { type: 'enabled', budget_tokens: 2048 },
        messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'T', signature: signer.sign('T') }, { type: 'text', text: 'A' }] }, { role: 'user', content: 'Q2' }],
      }),
    );
    const native = value(countTokensToChat(request, { ...context, overrides: { options: { num_ctx: 4096, stop: ['x'] } } }));
    expect(native).toEqual({
      model: 'llama3.2:latest',
      stream: true,
      think: true,
      tools: [nativeWeatherTool],
      options: { num_ctx: 4096, num_predict: 1 },
      messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'Q' }, { role: 'assistant', content: 'A', thinking: 'T' }, { role: 'user', content: 'Q2' }],
    });
  });

  it('leaves out the forced format, which does not change the prompt', () => {
    const request = value(parseCountTokensRequest({ model: 'm', tools: [weatherTool], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Q' }] }));
    expect(value(countTokensToChat(request, context)).format).toBeUndefined();
  });
});
