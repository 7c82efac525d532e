import { describe, expect, it } from 'vitest';
import { EncodedEvent, FrameFormat, frameEvents, streamContentType, terminatorFrame } from './stream-framing.ts';

describe('stream framing', () => {
  it.each([
    [FrameFormat.SseData, [{ a: 1 }, { b: 2 }], 'data: {"a":1}\n\ndata: {"b":2}\n\n'],
    [FrameFormat.SseEvent, [{ type: 'a', n: 1 }, { type: 'b' }], 'event: a\ndata: {"type":"a","n":1}\n\nevent: b\ndata: {"type":"b"}\n\n'],
    [FrameFormat.Ndjson, [{ a: 1 }, { b: 2 }], '{"a":1}\n{"b":2}\n'],
  ] as const)('frames a batch as %s in one string', (format, events, expected) => {
    expect(frameEvents({ format }, events)).toBe(expected);
    expect(frameEvents({ format }, [])).toBe('');
  });

  it('keeps newlines inside JSON strings escaped, so a frame never breaks', () => {
    expect(frameEvents({ format: FrameFormat.SseData }, [{ text: 'a\n\nb' }])).toBe('data: {"text":"a\\n\\nb"}\n\n');
    expect(frameEvents({ format: FrameFormat.Ndjson }, [{ text: 'a\nb' }])).toBe('{"text":"a\\nb"}\n');
  });

  it('frames an already encoded event as its text, beside encoded ones', () => {
    // Go's encoder escapes `<` as \u003c; JSON.stringify would not, so the text must be kept as it is.
    const line = '{"response":"\\u003cb\\u003e"}';
    expect(frameEvents({ format: FrameFormat.Ndjson }, [new EncodedEvent(line), { done: true }])).toBe(`${line}\n{"done":true}\n`);
    expect(frameEvents({ format: FrameFormat.SseEvent }, [new EncodedEvent('{"type":"ping"}', 'ping')])).toBe('event: ping\ndata: {"type":"ping"}\n\n');
  });

  it('ends a finished stream with the dialect terminator, or nothing', () => {
    expect(terminatorFrame({ format: FrameFormat.SseData, terminator: '[DONE]' })).toBe('data: [DONE]\n\n');
    expect(terminatorFrame({ format: FrameFormat.SseEvent })).toBe('');
    expect(streamContentType({ format: FrameFormat.Ndjson })).toBe('application/x-ndjson');
    expect(streamContentType({ format: FrameFormat.SseEvent })).toMatch(/^text\/event-stream/);
  });
});
