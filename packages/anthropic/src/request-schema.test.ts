import { describe, expect, it } from 'vitest';
import { parseCountTokensRequest, parseMessagesRequest } from './request-schema.ts';

const base = { model: 'llama3.2', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] };

function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) value = { a: value };
  return value;
}

describe('parseMessagesRequest accepts', () => {
  it.each([
    ['the smallest request', base],
    ['system as a string', { ...base, system: 'Be brief.' }],
    ['system as text blocks with cache_control', { ...base, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }] }],
    [
      'every block type a client sends',
      {
        ...base,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'c1.x' }, { type: 'redacted_thinking', data: 'opaque' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'sunny' }], is_error: false }] },
        ],
      },
    ],
    ['tools with every tool_choice', { ...base, tools: [{ name: 'get_weather', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'get_weather', disable_parallel_tool_use: true } }],
    ['thinking enabled with a budget below max_tokens', { ...base, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 } }],
    ['the effort form', { ...base, thinking: { type: 'adaptive' }, output_config: { effort: 'xhigh' } }],
    ['sampling, stop sequences, metadata and fields Corral does not use', { ...base, temperature: 0.5, top_p: 0.9, top_k: 40, stop_sequences: ['END'], metadata: { user_id: 'u-1' }, service_tier: 'auto', stream: true }],
  ])('%s', (_, body) => {
    const parsed = parseMessagesRequest(body);
    expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
  });
});

describe('parseMessagesRequest refuses with a 400 naming the field', () => {
  it.each([
    ['a body that is not an object', [], 'The request body must be a JSON object.'],
    ['a missing max_tokens', { model: 'm', messages: base.messages }, 'max_tokens: Field required'],
    ['a missing model', { max_tokens: 1, messages: base.messages }, 'model: Field required'],
    ['max_tokens 0', { ...base, max_tokens: 0 }, 'max_tokens: Too small: expected number to be >=1'],
    ['no messages', { ...base, messages: [] }, 'messages: Too small: expected array to have >=1 items'],
    ['a system role in messages', { ...base, messages: [{ role: 'system', content: 'x' }] }, 'messages.0.role: Invalid option: expected one of "user"|"assistant"'],
    ['an unknown block type', { ...base, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] }, 'messages.0.content.0.type: Invalid discriminator value. Expected \'text\''],
    ['an image media type Anthropic does not take', { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/bmp', data: 'AA==' } }] }] }, 'messages.0.content.0.source.media_type: Invalid option'],
    ['a thinking budget below 1024', { ...base, thinking: { type: 'enabled', budget_tokens: 100 } }, 'thinking.budget_tokens: Too small: expected number to be >=1024'],
    ['a budget not below max_tokens', { ...base, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 2000 } }, '`max_tokens` must be greater than `thinking.budget_tokens`.'],
    ['a tool_choice naming no tool', { ...base, tools: [{ name: 'a', input_schema: { type: 'object' } }], tool_choice: { type: 'tool', name: 'b' } }, "tool_choice.name: Tool 'b' not found in the provided tools."],
    ['tool_choice any without tools', { ...base, tool_choice: { type: 'any' } }, 'tool_choice: tool_choice requires tools to be provided.'],
    ['duplicate tool names', { ...base, tools: [{ name: 'a', input_schema: {} }, { name: 'a', input_schema: {} }] }, "tools: Tool names must be unique (duplicate 'a')."],
    ['a server tool', { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search', input_schema: {} }] }, "tools.0.type: tool type 'web_search_20250305' is not supported by this server; only custom tools are."],
    ['temperature above 1', { ...base, temperature: 1.5 }, 'temperature: Too big: expected number to be <=1'],
    ['mcp_servers', { ...base, mcp_servers: [{ type: 'url', url: 'https://x' }] }, 'mcp_servers: MCP servers are not supported by this server.'],
    ['a body nested too deeply', { ...base, metadata: nested(200) }, 'metadata.a.a: objects and arrays are nested too deeply (at most 128 levels).'],
  ])('%s', (_, body, message) => {
    const parsed = parseMessagesRequest(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.status).toBe(400);
    expect(parsed.error.type).toBe('invalid_request_error');
    expect(parsed.error.message.startsWith(message), parsed.error.message).toBe(true);
  });
});

describe('parseCountTokensRequest', () => {
  it('needs no max_tokens and drops sampling fields', () => {
    const parsed = parseCountTokensRequest({ model: 'm', messages: base.messages, temperature: 0.2, tools: [{ name: 'a', input_schema: { type: 'object' } }] });
    expect(parsed.ok && parsed.value).toEqual({ model: 'm', messages: base.messages, tools: [{ name: 'a', input_schema: { type: 'object' } }] });
  });

  it('still refuses a missing model', () => {
    const parsed = parseCountTokensRequest({ messages: base.messages });
    expect(!parsed.ok && parsed.error.message).toBe('model: Field required');
  });
});
