import { describe, expect, it } from 'vitest';
import { parseNativeRequest } from './parse.ts';
import { nativeChatRequestSchema, nativeEmbeddingsRequestSchema, nativeEmbedRequestSchema, nativeGenerateRequestSchema, nativeShowRequestSchema } from './request-schema.ts';

const hello = [{ role: 'user', content: 'hi' }];

describe('native request bodies', () => {
  it.each([
    ['chat without model', nativeChatRequestSchema, { messages: hello }, 'model is required'],
    ['chat with an empty model', nativeChatRequestSchema, { model: '', messages: hello }, 'model is required'],
    ['chat with a numeric model', nativeChatRequestSchema, { model: 7, messages: hello }, 'model is required'],
    ['content that is not a string', nativeChatRequestSchema, { model: 'm', messages: [{ role: 'user', content: 1 }] }, 'invalid value for "messages[0].content"'],
    ['an image that is not base64 text', nativeChatRequestSchema, { model: 'm', messages: [{ role: 'user', content: '', images: [1] }] }, 'invalid value for "messages[0].images[0]"'],
    ['a bad think value', nativeChatRequestSchema, { model: 'm', messages: hello, think: 'very' }, 'invalid value for "think"'],
    ['a bad keep_alive', nativeChatRequestSchema, { model: 'm', messages: hello, keep_alive: 'soon' }, 'invalid value for "keep_alive"'],
    ['stop as a bare string (Ollama: a 500 after loading)', nativeChatRequestSchema, { model: 'm', messages: hello, options: { stop: 'x' } }, 'invalid value for "options.stop"'],
    ['num_ctx as text', nativeGenerateRequestSchema, { model: 'm', prompt: 'p', options: { num_ctx: '8k' } }, 'invalid value for "options.num_ctx"'],
    ['top_logprobs out of range', nativeGenerateRequestSchema, { model: 'm', prompt: 'p', top_logprobs: 21 }, 'top_logprobs must be between 0 and 20'],
    ['a prompt that is not text', nativeGenerateRequestSchema, { model: 'm', prompt: ['a'] }, 'invalid value for "prompt"'],
    ['embed input of numbers', nativeEmbedRequestSchema, { model: 'm', input: [1, 2] }, 'invalid input type'],
    ['embeddings without model', nativeEmbeddingsRequestSchema, { prompt: 'p' }, 'model is required'],
    ['a body that is an array', nativeChatRequestSchema, [], 'the request body must be a JSON object'],
  ])('refuses %s', (_case, schema, body, message) => {
    const parsed = parseNativeRequest(schema, body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(message);
  });

  it('passes fields it does not know through to Ollama, and keeps the ones it checks', () => {
    const body = { model: 'llama3.2', messages: hello, shift: false, _debug_render_only: true, options: { temperature: 0.2, mirostat: 1 }, keep_alive: '10m', stream: null };
    expect(parseNativeRequest(nativeChatRequestSchema, body)).toEqual({ ok: true, value: body });
  });

  it('normalises keep_alive as the other dialects do (a negative is -1, digits are seconds)', () => {
    const parsed = parseNativeRequest(nativeGenerateRequestSchema, { model: 'm', prompt: 'p', keep_alive: '-5m' });
    expect(parsed.ok && parsed.value.keep_alive).toBe(-1);
    const seconds = parseNativeRequest(nativeEmbedRequestSchema, { model: 'm', input: 'x', keep_alive: '300' });
    expect(seconds.ok && seconds.value.keep_alive).toBe(300);
  });

  it('accepts show by model or by the legacy name', () => {
    expect(parseNativeRequest(nativeShowRequestSchema, { name: 'llava', verbose: true })).toEqual({ ok: true, value: { name: 'llava', verbose: true } });
  });
});
