import { describe, expect, it } from 'vitest';
import { parseChatRequest } from './request-schema.ts';

const base = { model: 'qwen3', messages: [{ role: 'user', content: 'Hello' }] };

describe('parseChatRequest', () => {
  it('accepts the minimal request (reference A.1 #1)', () => {
    const result = parseChatRequest(base);
    expect(result.ok).toBe(true);
  });

  it('treats explicit top-level nulls as absent', () => {
    const result = parseChatRequest({ ...base, stop: null, tools: null, temperature: null, n: null });
    expect(result).toMatchObject({ ok: true, value: { model: 'qwen3' } });
    expect(result.ok && result.value.stop).toBeUndefined();
  });

  it('ignores unknown keys SDKs send routinely', () => {
    const result = parseChatRequest({ ...base, user: 'u-1', store: false, metadata: { a: 'b' }, service_tier: 'auto', some_vendor_field: 1 });
    expect(result.ok).toBe(true);
  });

  it.each([
    ['not an object', [], null, 'The request body must be a JSON object.'],
    ['missing model', { messages: base.messages }, 'model', "Missing required parameter: 'model'."],
    ['missing messages', { model: 'm' }, 'messages', "Missing required parameter: 'messages'."],
    ['empty messages', { model: 'm', messages: [] }, 'messages', undefined],
    ['bad role', { model: 'm', messages: [{ role: 'function', content: 'x' }] }, 'messages[0].role', undefined],
    ['numeric content', { model: 'm', messages: [{ role: 'user', content: 2 }] }, 'messages[0].content', undefined],
    ['unknown part type', { model: 'm', messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] }, 'messages[0].content[0].type', undefined],
    ['image part in a system message', { model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'messages[0].content[0].type', undefined],
    ['missing image url', { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }, 'messages[0].content[0].image_url.url', undefined],
    ['tool message without id', { model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', undefined],
    ['temperature above 2', { ...base, temperature: 2.5 }, 'temperature', undefined],
    ['top_p above 1', { ...base, top_p: 1.5 }, 'top_p', undefined],
    ['penalty below -2', { ...base, presence_penalty: -3 }, 'presence_penalty', undefined],
    ['n above 128', { ...base, n: 129 }, 'n', undefined],
    ['n zero', { ...base, n: 0 }, 'n', undefined],
    ['five stop sequences', { ...base, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', undefined],
    ['non-string stop', { ...base, stop: [1, 2] }, 'stop[0]', undefined],
    ['top_logprobs above 20', { ...base, logprobs: true, top_logprobs: 21 }, 'top_logprobs', undefined],
    ['top_logprobs without logprobs', { ...base, top_logprobs: 3 }, 'top_logprobs', "'top_logprobs' requires 'logprobs' to be true."],
    ['zero max_tokens', { ...base, max_tokens: 0 }, 'max_tokens', undefined],
    ['bad reasoning_effort', { ...base, reasoning_effort: 'extreme' }, 'reasoning_effort', undefined],
    ['bad response_format', { ...base, response_format: { type: 'xml' } }, 'response_format.type', undefined],
    ['json_schema without name', { ...base, response_format: { type: 'json_schema', json_schema: { schema: {} } } }, 'response_format.json_schema.name', undefined],
    ['custom tool', { ...base, tools: [{ type: 'custom', custom: { name: 'x' } }] }, 'tools[0].type', undefined],
    ['duplicate tool names', { ...base, tools: [{ type: 'function', function: { name: 'a' } }, { type: 'function', function: { name: 'a' } }] }, 'tools[1].function.name', undefined],
    ['tool_choice required without tools', { ...base, tool_choice: 'required' }, 'tool_choice', undefined],
    ['named tool_choice not in tools', { ...base, tools: [{ type: 'function', function: { name: 'a' } }], tool_choice: { type: 'function', function: { name: 'b' } } }, 'tool_choice', "Tool choice 'b' does not match any tool in 'tools'."],
    ['logit_bias', { ...base, logit_bias: { '50256': -100 } }, 'logit_bias', undefined],
    ['audio output', { ...base, audio: { voice: 'alloy', format: 'mp3' } }, 'audio', undefined],
    ['audio modality', { ...base, modalities: ['text', 'audio'] }, 'modalities', undefined],
    ['prediction', { ...base, prediction: { type: 'content', content: 'x' } }, 'prediction', undefined],
    ['legacy functions', { ...base, functions: [{ name: 'f' }] }, 'functions', undefined],
    ['thinking budget', { ...base, reasoning: { max_tokens: 1000 } }, 'reasoning.max_tokens', undefined],
    ['assistant function_call', { model: 'm', messages: [{ role: 'assistant', content: null, function_call: { name: 'f', arguments: '{}' } }] }, 'messages[0].function_call', undefined],
    ['bad think value', { ...base, think: 'extreme' }, 'think', undefined],
  ])('rejects %s with a 400 naming the parameter', (_name, body, param, message) => {
    const result = parseChatRequest(body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.status).toBe(400);
    expect(result.error.type).toBe('invalid_request_error');
    expect(result.error.param).toBe(param);
    if (message !== undefined) expect(result.error.message).toBe(message);
  });

  it.each([
    ['empty logit_bias', { logit_bias: {} }],
    ['text modality', { modalities: ['text'] }],
    ['tool_choice auto without tools', { tool_choice: 'auto' }],
    ['tool_choice none without tools', { tool_choice: 'none' }],
    ['top_logprobs 0 without logprobs', { top_logprobs: 0 }],
    ['reasoning_effort xhigh', { reasoning_effort: 'xhigh' }],
    ['stop as string', { stop: '\n' }],
    ['Ollama options as top-level fields', { num_ctx: 8192, top_k: 20, min_p: 0.05, keep_alive: '10m', think: 'high' }],
    ['bare string image_url (Ollama form)', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: 'data:image/png;base64,AAAA' }] }] }],
    ['assistant with only tool calls', { messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }] }],
    ['allowed_tools choice', { tools: [{ type: 'function', function: { name: 'a' } }], tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'a' } }] } } }],
  ])('accepts %s', (_name, extra) => {
    const result = parseChatRequest({ ...base, ...extra });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.ok).toBe(true);
  });
});
