import { describe, expect, it } from 'vitest';
import { parseSse, streamViolations } from './chat-wire.ts';

/** The wire checks every chat e2e test relies on must be able to fail. */

const chunk = (fields: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'llama3.2',
  choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }],
  ...fields,
});
const frame = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;

describe('chat wire checks', () => {
  it('parses data frames, skipping comments and keep-alives, and sees [DONE]', () => {
    const frames = parseSse(`: keep-alive\n\n${frame(chunk())}data: [DONE]\n\n`);
    expect(frames).toEqual({ payloads: [chunk()], done: true });
  });

  it('accepts a well-formed stream', () => {
    const text = frame(chunk()) + frame(chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })) + 'data: [DONE]\n\n';
    expect(streamViolations(parseSse(text))).toEqual({ chunks: 2, violations: [] });
  });

  it('flags a chunk that breaks OpenAI\'s schema', () => {
    const text = frame(chunk({ object: 'chat.completion' })) + 'data: [DONE]\n\n';
    expect(streamViolations(parseSse(text)).violations).toEqual([expect.stringContaining('CreateChatCompletionStreamResponse')]);
  });

  it('flags chunks of one stream that disagree on their id, and a missing [DONE]', () => {
    const result = streamViolations(parseSse(frame(chunk()) + frame(chunk({ id: 'chatcmpl-2' }))));
    expect(result.violations).toEqual([expect.stringContaining('disagree'), expect.stringContaining('[DONE]')]);
  });

  it('accepts a stream that ends with an error frame instead of [DONE]', () => {
    const text = frame(chunk()) + frame({ error: { message: 'boom', type: 'server_error', param: null, code: null } });
    expect(streamViolations(parseSse(text))).toEqual({ chunks: 1, violations: [] });
  });
});
