import { describe, expect, it } from 'vitest';
import { assertBase64 } from './base64.ts';
import { FOREVER, parseGoDuration, parseKeepAlive } from './duration.ts';
import { parseJsonBody } from './json-body.ts';
import { decodeChatRequest, decodeEmbedRequest } from './decode.ts';

function errorOf(action: () => unknown): { status: number; message: string } | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return { status: (error as { status: number }).status, message: (error as Error).message };
  }
}

describe('parseJsonBody', () => {
  it.each([
    ['', 'missing request body'],
    ['   \n', 'missing request body'],
    ['xyz', "invalid character 'x' looking for beginning of value"],
    ['{"model":', 'unexpected EOF'],
    ['{model:1}', "invalid character 'm' looking for beginning of object key string"],
    ['{"a":1 "b":2}', "invalid character '\"' after object key:value pair"],
  ])('%j → 400 %s', (text, message) => {
    expect(errorOf(() => parseJsonBody(text))).toEqual({ status: 400, message });
  });

  it('ignores bytes after the first JSON value, like json.Decoder', () => {
    expect(parseJsonBody('{"model":"x"} trailing')).toEqual({ model: 'x' });
  });
});

describe('durations', () => {
  it('parses Go durations into milliseconds', () => {
    expect(parseGoDuration('5m')).toBe(300_000);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('250ms')).toBe(250);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('-1m')).toBe(-60_000);
  });

  it('rejects what Go rejects, with Go text', () => {
    expect(errorOf(() => parseGoDuration('abc'))).toEqual({ status: 400, message: 'time: invalid duration "abc"' });
    expect(errorOf(() => parseGoDuration('5'))).toEqual({ status: 400, message: 'time: missing unit in duration "5"' });
  });

  it('reads keep_alive numbers as seconds and negatives as forever', () => {
    expect(parseKeepAlive(3600)).toBe(3_600_000);
    expect(parseKeepAlive('-1m')).toBe(FOREVER);
    expect(parseKeepAlive(-1)).toBe(FOREVER);
    expect(errorOf(() => parseKeepAlive(true))).toEqual({ status: 400, message: "Unsupported type: 'bool'" });
  });
});

describe('assertBase64', () => {
  it('accepts standard padded base64', () => {
    expect(() => assertBase64('aGVsbG8=')).not.toThrow();
    expect(() => assertBase64('aGk=')).not.toThrow();
    expect(() => assertBase64('')).not.toThrow();
  });

  it('reports the offending byte like Go', () => {
    expect(errorOf(() => assertBase64('data:image/png;base64,aGk='))?.message).toBe('illegal base64 data at input byte 4');
    expect(errorOf(() => assertBase64('abcde'))?.message).toBe('illegal base64 data at input byte 4');
    expect(errorOf(() => assertBase64('abc'))?.message).toBe('illegal base64 data at input byte 0');
  });
});

describe('request decoding', () => {
  it('reports wrong field types as Go unmarshal errors', () => {
    expect(errorOf(() => decodeChatRequest({ model: 5 }))).toEqual({
      status: 400,
      message: 'json: cannot unmarshal number into Go struct field ChatRequest.model of type string',
    });
    expect(errorOf(() => decodeChatRequest({ model: 'x', top_logprobs: 1.5 }))?.message).toBe(
      'json: cannot unmarshal number 1.5 into Go struct field ChatRequest.top_logprobs of type int',
    );
    expect(errorOf(() => decodeChatRequest([]))?.message).toBe('json: cannot unmarshal array into Go value of type api.ChatRequest');
  });

  it('validates think values', () => {
    expect(decodeChatRequest({ model: 'x', think: 'max' }).request.think).toBe('max');
    expect(errorOf(() => decodeChatRequest({ model: 'x', think: 'extreme' }))).toEqual({
      status: 400,
      message: 'invalid think value: "extreme" (must be "high", "medium", "low", "max", true, or false)',
    });
  });

  it('lower-cases roles and treats null as absent', () => {
    const { request } = decodeChatRequest({ model: 'x', messages: [{ role: 'USER', content: 'hi', images: null }], tools: null });
    expect(request.messages).toEqual([{ role: 'user', content: 'hi' }]);
    expect(request.tools).toBeUndefined();
  });

  it('accepts embed input as string or string array only', () => {
    expect(decodeEmbedRequest({ model: 'x', input: 'a' }).inputs).toEqual(['a']);
    expect(decodeEmbedRequest({ model: 'x', input: '' }).inputs).toEqual([]);
    expect(errorOf(() => decodeEmbedRequest({ model: 'x', input: [1, 2] }))).toEqual({ status: 400, message: 'invalid input type' });
  });
});
