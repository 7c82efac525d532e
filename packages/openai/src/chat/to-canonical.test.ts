import { describe, expect, it } from 'vitest';
import type { ChatRequest, ModelOverrides } from '@corral/ollama';
import { collectImageUrls } from './messages.ts';
import { parseChatRequest } from './request-schema.ts';
import { nativeForChoice } from '../shared/choices.ts';
import { chatToNative, type ChatTranslation } from './to-canonical.ts';

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function translate(body: Record<string, unknown>, extra: { overrides?: ModelOverrides; resolvedImages?: Map<string, string> } = {}): ChatTranslation {
  const parsed = parseChatRequest({ model: 'alias', ...body });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  const translated = chatToNative(parsed.value, { model: 'qwen3:8b', ...extra });
  if (!translated.ok) throw new Error(JSON.stringify(translated.error));
  return translated.value;
}

function translateError(body: Record<string, unknown>, resolvedImages?: Map<string, string>) {
  const parsed = parseChatRequest({ model: 'alias', ...body });
  if (!parsed.ok) return parsed.error;
  const translated = chatToNative(parsed.value, { model: 'qwen3:8b', ...(resolvedImages ? { resolvedImages } : {}) });
  if (translated.ok) throw new Error('expected a failure');
  return translated.error;
}

const hello = [{ role: 'user', content: 'Hello' }];

describe('chatToNative', () => {
  it('translates the basic request, always streaming, without inventing sampling options (A.1 #1, A.3 #47)', () => {
    const { native, ...rest } = translate({ messages: hello });
    expect(native).toEqual({ model: 'qwen3:8b', messages: [{ role: 'user', content: 'Hello' }], stream: true });
    expect(rest).toEqual({
      choices: 1,
      stream: false,
      includeUsage: false,
      excludeReasoning: false,
      toolMode: 'auto',
      parallelToolCalls: true,
      logprobs: false,
    });
  });

  it('maps the documented option example (reference §5.1, A.3 #48)', () => {
    const { native, stream, includeUsage } = translate({
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 999,
      seed: 123,
      stop: ['\n', 'stop'],
      temperature: 0.2,
      frequency_penalty: 1.5,
      presence_penalty: -0.5,
      top_p: 0.6,
      response_format: { type: 'json_object' },
      reasoning_effort: 'low',
    });
    expect(native).toMatchInlineSnapshot(`
      {
        "format": "json",
        "messages": [
          {
            "content": "Hello",
            "role": "user",
          },
        ],
        "model": "qwen3:8b",
        "options": {
          "frequency_penalty": 1.5,
          "num_predict": 999,
          "presence_penalty": -0.5,
          "seed": 123,
          "stop": [
            "
      ",
            "stop",
          ],
          "temperature": 0.2,
          "top_p": 0.6,
        },
        "stream": true,
        "think": "low",
      }
    `);
    expect(stream).toBe(true);
    expect(includeUsage).toBe(true);
  });

  it.each([
    ['max_completion_tokens alone', { max_completion_tokens: 50 }, 50],
    ['max_tokens alone', { max_tokens: 40 }, 40],
    ['max_completion_tokens wins over max_tokens', { max_tokens: 40, max_completion_tokens: 50 }, 50],
    ['max_tokens wins over Ollama num_predict', { max_tokens: 40, num_predict: 10 }, 40],
    ['Ollama num_predict alone', { num_predict: 10 }, 10],
  ])('num_predict: %s', (_name, extra, expected) => {
    expect(translate({ messages: hello, ...extra }).native.options?.num_predict).toBe(expected);
  });

  it('turns a string stop into an array and drops an empty stop list', () => {
    expect(translate({ messages: hello, stop: 'END' }).native.options).toEqual({ stop: ['END'] });
    expect(translate({ messages: hello, stop: [] }).native.options).toBeUndefined();
  });

  it('passes Ollama options, keep_alive and think given as top-level fields', () => {
    const { native } = translate({ messages: hello, num_ctx: 8192, top_k: 20, min_p: 0.05, repeat_penalty: 1.1, keep_alive: '10m', think: 'high' });
    expect(native.options).toEqual({ num_ctx: 8192, top_k: 20, min_p: 0.05, repeat_penalty: 1.1 });
    expect(native.keep_alive).toBe('10m');
    expect(native.think).toBe('high');
  });

  it.each([
    [{}, undefined],
    [{ reasoning_effort: 'none' }, false],
    [{ reasoning_effort: 'minimal' }, 'low'],
    [{ reasoning_effort: 'low' }, 'low'],
    [{ reasoning_effort: 'medium' }, 'medium'],
    [{ reasoning_effort: 'high' }, 'high'],
    [{ reasoning_effort: 'xhigh' }, 'max'],
    [{ reasoning: { effort: 'high' } }, 'high'],
    [{ reasoning: { enabled: false } }, false],
    [{ reasoning: { enabled: true } }, true],
    [{ reasoning: { enabled: true, effort: 'low' } }, 'low'],
    [{ think: false }, false],
    [{ think: true, reasoning_effort: 'medium' }, true],
    [{ reasoning_effort: 'high', reasoning: { effort: 'high' } }, 'high'],
  ])('reasoning %j → think %j (A.1 #2)', (extra, think) => {
    expect(translate({ messages: hello, ...extra }).native.think).toBe(think);
  });

  it.each([
    [{ think: false, reasoning_effort: 'high' }, 'reasoning_effort'],
    [{ reasoning_effort: 'high', reasoning: { effort: 'low' } }, 'reasoning.effort'],
    [{ reasoning: { enabled: false, effort: 'low' } }, 'reasoning.enabled'],
  ])('rejects contradictory reasoning settings %j', (extra, param) => {
    expect(translateError({ messages: hello, ...extra })).toMatchObject({ status: 400, param });
  });

  it('keeps thinking on but excludes it from the answer with reasoning.exclude', () => {
    const translation = translate({ messages: hello, reasoning: { effort: 'low', exclude: true } });
    expect(translation.native.think).toBe('low');
    expect(translation.excludeReasoning).toBe(true);
  });

  it('passes logprobs and top_logprobs (A.1 #8, #27) and omits them by default (A.1 #9)', () => {
    const { native, logprobs } = translate({ messages: hello, logprobs: true, top_logprobs: 5 });
    expect([native.logprobs, native.top_logprobs, logprobs]).toEqual([true, 5, true]);
    const plain = translate({ messages: hello }).native;
    expect('logprobs' in plain || 'top_logprobs' in plain).toBe(false);
  });

  it('maps json_schema response_format to its schema, and text to nothing', () => {
    const schema = { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] };
    expect(translate({ messages: hello, response_format: { type: 'json_schema', json_schema: { name: 'person', strict: true, schema } } }).native.format).toEqual(schema);
    expect(translate({ messages: hello, response_format: { type: 'text' } }).native.format).toBeUndefined();
  });

  it('reports n and gives each extra choice its own seed', () => {
    const translation = translate({ messages: hello, n: 3, seed: 7 });
    expect(translation.choices).toBe(3);
    expect(nativeForChoice(translation.native, 0).options?.seed).toBe(7);
    expect(nativeForChoice(translation.native, 2).options?.seed).toBe(9);
    const unseeded = translate({ messages: hello, n: 2 }).native;
    expect(nativeForChoice(unseeded, 1)).toBe(unseeded);
  });

  describe('per-model overrides (request → override → default)', () => {
    const overrides: ModelOverrides = { options: { num_ctx: 16384, temperature: 0.3 }, think: 'low', keep_alive: -1, excludeReasoning: true };

    it('fill what the request did not set', () => {
      const translation = translate({ messages: hello }, { overrides });
      expect(translation.native.options).toEqual({ num_ctx: 16384, temperature: 0.3 });
      expect(translation.native.think).toBe('low');
      expect(translation.native.keep_alive).toBe(-1);
      expect(translation.excludeReasoning).toBe(true);
    });

    it('never beat the request', () => {
      const translation = translate(
        { messages: hello, temperature: 1, num_ctx: 4096, reasoning_effort: 'none', keep_alive: '1m', reasoning: { exclude: false } },
        { overrides },
      );
      expect(translation.native.options).toEqual({ num_ctx: 4096, temperature: 1 });
      expect(translation.native.think).toBe(false);
      expect(translation.native.keep_alive).toBe('1m');
      expect(translation.excludeReasoning).toBe(false);
    });
  });

  describe('messages', () => {
    it('maps developer to system and joins text parts with a newline', () => {
      const { native } = translate({
        messages: [
          { role: 'developer', content: 'Be brief.' },
          { role: 'system', content: [{ type: 'text', text: 'One' }, { type: 'text', text: 'Two' }] },
          { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        ],
      });
      expect(native.messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'One\nTwo' },
        { role: 'user', content: 'Hi' },
      ]);
    });

    it('puts every image of a message into one native message (A.1 #3, adapted: one message, not two)', () => {
      const { native } = translate({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Hello' },
              { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${png}`, detail: 'high' } },
              { type: 'image_url', image_url: `data:image/png;base64,${png}` },
              { type: 'text', text: 'Compare.' },
            ],
          },
        ],
      });
      expect(native.messages).toEqual([{ role: 'user', content: 'Hello\nCompare.', images: [png, png] }]);
    });

    it('uses the edge-fetched bytes for http(s) image URLs', () => {
      const body = {
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }, { type: 'image_url', image_url: { url: 'http://example.com/b.gif' } }] },
        ],
      };
      const parsed = parseChatRequest({ model: 'm', ...body });
      if (!parsed.ok) throw new Error('parse failed');
      expect(collectImageUrls(parsed.value)).toEqual(['https://example.com/a.png', 'http://example.com/b.gif']);
      const resolvedImages = new Map([['https://example.com/a.png', 'QUFB'], ['http://example.com/b.gif', 'QkJC']]);
      expect(translate(body, { resolvedImages }).native.messages).toEqual([
        { role: 'user', content: '', images: ['QUFB'] },
        { role: 'user', content: '', images: ['QUFB', 'QkJC'] },
      ]);
    });

    it.each([
      ['an unfetched URL', 'https://example.com/missing.png', 'could not be downloaded'],
      ['an unsupported media type', `data:image/bmp;base64,${png}`, "unsupported image type 'image/bmp'"],
      ['a non-base64 data URL', 'data:image/png,rawbytes', 'must be base64 encoded'],
      ['broken base64', 'data:image/png;base64,@@@@', 'does not hold valid base64'],
      ['another scheme', 'file:///etc/passwd', 'http(s) URL or a base64 data URL'],
    ])('rejects %s naming the part (A.1 #107)', (_name, url, message) => {
      const error = translateError({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url } }] }],
      });
      expect(error.param).toBe('messages[0].content[1].image_url');
      expect(error.message).toContain(message);
    });

    it('passes input_audio bytes in images, and refuses file parts', () => {
      const { native } = translate({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } }] }] });
      expect(native.messages[0]?.images).toEqual(['UklGRg==']);
      expect(translateError({ messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'f' } }] }] })).toMatchObject({ param: 'messages[0].content[0].type' });
    });

    const weatherCall = { id: 'call_abc', type: 'function', function: { name: 'get_current_weather', arguments: '{"location":"Paris, France","format":"celsius"}' } };

    it('converts assistant tool calls and resolves tool names by id (A.3 #51, #55)', () => {
      const { native } = translate({
        messages: [
          { role: 'user', content: "What's the weather like in Paris Today?" },
          { role: 'assistant', content: null, tool_calls: [weatherCall] },
          { role: 'tool', tool_call_id: 'call_abc', content: 'The weather in Paris is 20 degrees Celsius' },
        ],
      });
      expect(native.messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 'call_abc', function: { index: 0, name: 'get_current_weather', arguments: { location: 'Paris, France', format: 'celsius' } } }],
        },
        { role: 'tool', content: 'The weather in Paris is 20 degrees Celsius', tool_call_id: 'call_abc', tool_name: 'get_current_weather' },
      ]);
    });

    it('keeps assistant content and reasoning next to tool calls (A.3 #52, #54), reading either reasoning spelling', () => {
      const { native } = translate({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'Let me check.', reasoning_content: 'Need the weather.', tool_calls: [weatherCall] },
          { role: 'tool', tool_call_id: 'call_abc', content: '20' },
          { role: 'assistant', content: 'It is 20.', reasoning: 'Done.' },
        ],
      });
      expect(native.messages[1]).toMatchObject({ content: 'Let me check.', thinking: 'Need the weather.' });
      expect(native.messages[3]).toEqual({ role: 'assistant', content: 'It is 20.', thinking: 'Done.' });
    });

    it('treats empty tool arguments as an empty object', () => {
      const { native } = translate({
        messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'now', arguments: '' } }] }],
      });
      expect(native.messages[1]?.tool_calls?.[0]?.function.arguments).toEqual({});
    });

    it.each([
      ['invalid JSON', '{"location":'],
      ['a JSON array', '[1]'],
    ])('rejects tool arguments that are %s', (_name, args) => {
      const error = translateError({
        messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] }],
      });
      expect(error.param).toBe('messages[1].tool_calls[0].function.arguments');
    });

    it('rejects a tool result that answers no prior call, but accepts one that names its tool (A.3 #56)', () => {
      expect(translateError({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: 'r' }] })).toMatchObject({
        param: 'messages[1].tool_call_id',
      });
      const { native } = translate({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'c9', name: 'get_current_weather', content: 'r' }] });
      expect(native.messages[1]).toEqual({ role: 'tool', content: 'r', tool_call_id: 'c9', tool_name: 'get_current_weather' });
    });
  });

  describe('tools and tool_choice', () => {
    const weather = {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Get the current weather',
        parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['location'] },
      },
    };
    const time = { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } } };
    const nativeWeather = { type: 'function', function: weather.function };
    const nativeTime = { type: 'function', function: time.function };

    it('passes tools unchanged in auto mode (A.3 #57)', () => {
      const translation = translate({ messages: hello, tools: [weather], stream: true });
      expect(translation.native.tools).toEqual([nativeWeather]);
      expect(translation.native.format).toBeUndefined();
      expect(translation.toolMode).toBe('auto');
    });

    it('drops tools for tool_choice none', () => {
      const translation = translate({ messages: hello, tools: [weather], tool_choice: 'none' });
      expect(translation.native.tools).toBeUndefined();
      expect(translation.toolMode).toBe('auto');
    });

    it('forces a call of one of the tools for tool_choice required', () => {
      const translation: Pick<ChatTranslation, 'toolMode' | 'forcedToolNames'> & { native: ChatRequest } = translate({ messages: hello, tools: [weather, time], tool_choice: 'required' });
      expect(translation.toolMode).toBe('forced');
      expect(translation.forcedToolNames).toEqual(['get_weather', 'get_time']);
      expect(translation.native.tools).toEqual([nativeWeather, nativeTime]);
      expect(translation.native.format).toEqual({
        anyOf: [
          { type: 'object', properties: { name: { type: 'string', enum: ['get_weather'] }, arguments: weather.function.parameters }, required: ['name', 'arguments'] },
          { type: 'object', properties: { name: { type: 'string', enum: ['get_time'] }, arguments: time.function.parameters }, required: ['name', 'arguments'] },
        ],
      });
    });

    it('forces the named tool only', () => {
      const translation = translate({ messages: hello, tools: [weather, time], tool_choice: { type: 'function', function: { name: 'get_time' } } });
      expect(translation.forcedToolNames).toEqual(['get_time']);
      expect(translation.native.tools).toEqual([nativeTime]);
      expect(translation.native.format).toEqual({
        type: 'object',
        properties: { name: { type: 'string', enum: ['get_time'] }, arguments: time.function.parameters },
        required: ['name', 'arguments'],
      });
    });

    it('restricts tools with allowed_tools', () => {
      const choice = (mode: string) => ({ type: 'allowed_tools', allowed_tools: { mode, tools: [{ type: 'function', function: { name: 'get_weather' } }] } });
      const auto = translate({ messages: hello, tools: [weather, time], tool_choice: choice('auto') });
      expect([auto.toolMode, auto.native.tools]).toEqual(['auto', [nativeWeather]]);
      const required = translate({ messages: hello, tools: [weather, time], tool_choice: choice('required') });
      expect([required.toolMode, required.forcedToolNames]).toEqual(['forced', ['get_weather']]);
    });

    it('uses an empty-object schema for a forced tool without parameters', () => {
      const translation = translate({ messages: hello, tools: [{ type: 'function', function: { name: 'ping' } }], tool_choice: 'required' });
      expect(translation.native.format).toMatchObject({ properties: { arguments: { type: 'object', properties: {} } } });
    });

    it('refuses a forced tool call combined with response_format', () => {
      expect(translateError({ messages: hello, tools: [weather], tool_choice: 'required', response_format: { type: 'json_object' } })).toMatchObject({
        param: 'response_format',
      });
    });

    it('records parallel_tool_calls', () => {
      expect(translate({ messages: hello, tools: [weather], parallel_tool_calls: false }).parallelToolCalls).toBe(false);
    });
  });
});
