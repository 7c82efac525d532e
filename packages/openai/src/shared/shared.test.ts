import { describe, expect, it } from 'vitest';
import { createId } from '../ids.ts';
import { combineChoiceUsage, sumUsage, usageFromNative } from '../usage.ts';
import { classifyImageUrl, normalizeBase64 } from './images.ts';
import { resolveThink, thinkFromEffort } from './reasoning.ts';
import { samplingOptions } from './sampling.ts';
import { forcedToolCallFormat, parseForcedToolCall, parseToolArguments } from './tools.ts';

describe('images', () => {
  it.each([
    ['data:image/png;base64,iVBORw0KGgo=', { kind: 'data', base64: 'iVBORw0KGgo=' }],
    ['data:image/jpeg;base64,/9j/\n4AAQ', { kind: 'data', base64: '/9j/4AAQ' }],
    ['data:image/gif;base64,R0lGODlh', { kind: 'data', base64: 'R0lGODlh' }],
    ['data:image/webp;name=a.webp;base64,UklGRg==', { kind: 'data', base64: 'UklGRg==' }],
    ['data:;base64,iVBORw0KGgo=', { kind: 'data', base64: 'iVBORw0KGgo=' }],
    ['HTTPS://example.com/a.png', { kind: 'remote', url: 'HTTPS://example.com/a.png' }],
  ])('classifies %s', (url, expected) => {
    expect(classifyImageUrl(url)).toEqual(expected);
  });

  it.each(['data:image/svg+xml;base64,PHN2Zz4=', 'data:image/png,raw', 'data:image/png;base64,abc', 'ftp://x/y.png', 'not a url'])(
    'refuses %s',
    (url) => {
      expect(classifyImageUrl(url).kind).toBe('invalid');
    },
  );

  it('validates base64 strictly', () => {
    expect(normalizeBase64('QUJD')).toBe('QUJD');
    expect(normalizeBase64('QUJ')).toBeUndefined();
    expect(normalizeBase64('QU-D')).toBeUndefined();
    expect(normalizeBase64('')).toBeUndefined();
  });
});

describe('tools', () => {
  it('reads forced-call JSON, accepting Ollama-style "parameters"', () => {
    expect(parseForcedToolCall('{"name":"f","arguments":{"a":1}}', ['f'])).toEqual({ name: 'f', arguments: { a: 1 } });
    expect(parseForcedToolCall('{"name":"f","parameters":{"a":1}}', ['f'])).toEqual({ name: 'f', arguments: { a: 1 } });
    expect(parseForcedToolCall('{"name":"f"}', ['f'])).toEqual({ name: 'f', arguments: {} });
    expect(parseForcedToolCall('{"name":"g","arguments":{}}', ['f'])).toBeUndefined();
    expect(parseForcedToolCall('{"name":"f","arguments":[1]}', ['f'])).toBeUndefined();
    expect(parseForcedToolCall('[]', ['f'])).toBeUndefined();
    expect(parseForcedToolCall('{"name":', ['f'])).toBeUndefined();
  });

  it('parses OpenAI argument strings into objects', () => {
    expect(parseToolArguments('{"location":"Paris"}')).toEqual({ location: 'Paris' });
    expect(parseToolArguments('  ')).toEqual({});
    expect(parseToolArguments('"text"')).toBeUndefined();
    expect(parseToolArguments('null')).toBeUndefined();
  });

  it('builds a single-tool schema without anyOf', () => {
    expect(forcedToolCallFormat([{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }])).toEqual({
      type: 'object',
      properties: { name: { type: 'string', enum: ['f'] }, arguments: { type: 'object' } },
      required: ['name', 'arguments'],
    });
  });
});

describe('reasoning', () => {
  it.each([
    ['none', false],
    ['minimal', 'low'],
    ['low', 'low'],
    ['medium', 'medium'],
    ['high', 'high'],
    ['xhigh', 'max'],
    ['max', 'max'],
  ] as const)('effort %s → think %s', (effort, think) => {
    expect(thinkFromEffort(effort)).toBe(think);
  });

  it('treats think true and medium as agreeing', () => {
    expect(resolveThink({ think: true, effort: { value: 'medium', param: 'reasoning_effort' } })).toEqual({ think: true });
    expect(resolveThink({})).toEqual({ think: undefined });
  });
});

describe('options', () => {
  it('sends only the sampling parameters that were set', () => {
    expect(samplingOptions({})).toEqual({});
    expect(samplingOptions({ temperature: 0, stop: 'x', seed: 0 })).toEqual({ temperature: 0, stop: ['x'], seed: 0 });
  });
});

describe('usage', () => {
  it('reads the final counters (A.1 #5) and combines choices and prompts', () => {
    expect(usageFromNative({ prompt_eval_count: 10, eval_count: 20 })).toEqual({ prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 });
    expect(usageFromNative({})).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    expect(combineChoiceUsage([usage, usage])).toEqual({ prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 });
    expect(sumUsage([usage, usage])).toEqual({ prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 });
  });
});

describe('createId', () => {
  it('makes distinct ids of the requested length', () => {
    expect(createId('x_', 8)).toMatch(/^x_[A-Za-z0-9]{8}$/);
    expect(new Set(Array.from({ length: 200 }, () => createId('p'))).size).toBe(200);
  });
});
