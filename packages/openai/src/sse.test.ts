import { describe, expect, it } from 'vitest';
import { SSE_DONE, SSE_KEEPALIVE, sseData, sseEvent, sseEventFrames, sseFrames } from './sse.ts';

describe('SSE frames', () => {
  it('frames data and events', () => {
    expect(sseData({ a: 1 })).toBe('data: {"a":1}\n\n');
    expect(sseEvent('response.created', { type: 'response.created' })).toBe('event: response.created\ndata: {"type":"response.created"}\n\n');
    expect(sseFrames([{ a: 1 }, { b: 2 }])).toBe('data: {"a":1}\n\ndata: {"b":2}\n\n');
    expect(sseFrames([])).toBe('');
    expect(sseEventFrames([{ type: 'a', n: 1 }, { type: 'b' }])).toBe('event: a\ndata: {"type":"a","n":1}\n\nevent: b\ndata: {"type":"b"}\n\n');
    expect(SSE_DONE).toBe('data: [DONE]\n\n');
    expect(SSE_KEEPALIVE.startsWith(':')).toBe(true);
  });

  it('keeps newlines inside JSON strings escaped, so a frame never breaks', () => {
    expect(sseData({ text: 'a\n\nb' })).toBe('data: {"text":"a\\n\\nb"}\n\n');
  });
});
