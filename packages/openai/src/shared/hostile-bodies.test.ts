import { describe, expect, it } from 'vitest';
import { parseChatRequest } from '../chat/request-schema.ts';
import { parseCompletionRequest } from '../completions/request-schema.ts';
import { parseEmbeddingsRequest } from '../embeddings/request-schema.ts';
import type { Result } from '../errors.ts';
import { parseResponsesRequest } from '../responses/request-schema.ts';
import { describeValue, excerpt } from './excerpt.ts';
import { findExcessiveNesting, MAX_NESTING_DEPTH } from '@corral/ollama';

/** `levels` objects nested in one another, `{"a":{"a":…}}`. */
function nestedObjects(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = { a: value };
  return value;
}

function nestedArrays(levels: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < levels; level++) value = [value];
  return value;
}

const DEEP = 10_000;
const chat = { model: 'qwen3', messages: [{ role: 'user', content: 'Hi' }] };

function errorOf(result: Result<unknown>): { status: number; param: string | null; message: string; code: string | null } {
  if (result.ok) throw new Error('expected the request to be refused');
  return result.error;
}

describe('nesting depth', () => {
  it('finds the first container past the limit without recursing', () => {
    expect(findExcessiveNesting({ a: [{ b: 1 }] }, 3)).toBeUndefined();
    expect(findExcessiveNesting({ a: [{ b: {} }] }, 3)).toEqual(['a', 0, 'b']);
    expect(findExcessiveNesting(nestedArrays(1_000_000), MAX_NESTING_DEPTH)).toHaveLength(MAX_NESTING_DEPTH);
    expect(findExcessiveNesting('text')).toBeUndefined();
  });

  it.each([
    ['messages[0].role', () => parseChatRequest({ ...chat, messages: [{ role: nestedObjects(DEEP), content: 'x' }] })],
    ['tools[0].function.parameters', () => parseChatRequest({ ...chat, tools: [{ type: 'function', function: { name: 'f', parameters: nestedObjects(DEEP) } }] })],
    [
      'tools[0].function.parameters.properties',
      () => parseChatRequest({ ...chat, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { x: nestedObjects(DEEP) } } } }] }),
    ],
    [
      'response_format.json_schema.schema',
      () => parseChatRequest({ ...chat, response_format: { type: 'json_schema', json_schema: { name: 'n', schema: nestedObjects(DEEP) } } }),
    ],
    ['input[0]', () => parseResponsesRequest({ model: 'qwen3', input: nestedArrays(DEEP) })],
    ['input[0].content', () => parseResponsesRequest({ model: 'qwen3', input: [{ role: 'user', content: nestedObjects(DEEP) }] })],
    ['input[0].content[0]', () => parseResponsesRequest({ model: 'qwen3', input: [{ role: 'user', content: [{ type: 'input_file', file_data: nestedObjects(DEEP) }] }] })],
    ['text.format.schema', () => parseResponsesRequest({ model: 'qwen3', input: 'x', text: { format: { type: 'json_schema', name: 'n', schema: nestedObjects(DEEP) } } })],
    ['prompt', () => parseCompletionRequest({ model: 'qwen3', prompt: nestedArrays(DEEP) })],
    ['input', () => parseEmbeddingsRequest({ model: 'nomic-embed-text', input: nestedArrays(DEEP) })],
    ['metadata', () => parseChatRequest({ ...chat, metadata: nestedObjects(DEEP) })],
  ])('refuses JSON nested 10,000 deep in %s with a 400 naming it', (param, parse) => {
    const error = errorOf(parse());
    expect(error).toMatchObject({ status: 400, param, code: 'invalid_value' });
    expect(error.message).toContain(`at most ${MAX_NESTING_DEPTH} levels`);
  });

  it('accepts a schema nested exactly to the limit and refuses one level more', () => {
    // body → tools → tool → function → parameters: parameters is level 5.
    const withParameters = (levels: number) => parseChatRequest({ ...chat, tools: [{ type: 'function', function: { name: 'f', parameters: nestedObjects(levels) } }] });
    expect(withParameters(MAX_NESTING_DEPTH - 4).ok).toBe(true);
    expect(errorOf(withParameters(MAX_NESTING_DEPTH - 3)).param).toBe('tools[0].function.parameters');
  });
});

describe('validation messages', () => {
  it('never repeat a large value', () => {
    const huge = 'x'.repeat(1_000_000);
    for (const result of [
      parseChatRequest({ ...chat, messages: [{ role: huge, content: 'x' }] }),
      parseChatRequest({ ...chat, messages: [{ role: 'user', content: [{ type: huge }] }] }),
      parseChatRequest({ ...chat, messages: [{ role: nestedObjects(100), content: 'x' }] }),
      parseResponsesRequest({ model: 'qwen3', input: [{ type: huge }] }),
      parseChatRequest({ ...chat, metadata: { [huge]: 1 } }),
      parseChatRequest({ ...chat, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: huge } } }),
    ]) {
      const error = errorOf(result);
      expect(error.message.length).toBeLessThan(400);
      expect((error.param ?? '').length).toBeLessThan(200);
    }
  });

  it('quote scalars cut to a bounded length and name objects by kind', () => {
    expect(describeValue('function')).toBe('"function"');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue(3)).toBe('3');
    expect(excerpt('y'.repeat(100))).toBe(`${'y'.repeat(64)}… (100 characters)`);
  });
});

describe('keep_alive', () => {
  // The values themselves are checked by @corral/ollama's keepAliveSchema; here, that every
  // endpoint uses it, sends on what it normalised, and names the parameter when it refuses.
  const keepAlive = (value: unknown) => parseChatRequest({ ...chat, keep_alive: value });

  it.each([
    ['5m', '5m'],
    ['-1m', -1],
    ['3600', 3600],
    [-128, -1],
  ])('accepts %j and sends %j', (value, sent) => {
    expect(keepAlive(value)).toMatchObject({ ok: true, value: { keep_alive: sent } });
  });

  it.each([[1e308], ['NaN'], ['5 m'], [true]])('refuses %j naming keep_alive', (value) => {
    expect(errorOf(keepAlive(value))).toMatchObject({ status: 400, param: 'keep_alive' });
  });

  it('is checked the same way on every endpoint', () => {
    expect(errorOf(parseEmbeddingsRequest({ model: 'e', input: 'x', keep_alive: 'NaN' })).param).toBe('keep_alive');
    expect(errorOf(parseCompletionRequest({ model: 'm', prompt: 'x', keep_alive: -1e308 * 10 })).param).toBe('keep_alive');
    expect(errorOf(parseResponsesRequest({ model: 'm', input: 'x', keep_alive: '1e400h' })).param).toBe('keep_alive');
  });
});

describe('function parameters', () => {
  const withParameters = (parameters: unknown) => parseChatRequest({ ...chat, tools: [{ type: 'function', function: { name: 'f', parameters } }] });

  it('accepts JSON schemas as Ollama reads them, other keywords untouched', () => {
    const parameters = {
      type: 'object',
      properties: { city: { type: 'string', description: 'a city' }, unit: { type: ['string', 'null'], enum: ['c', 'f', null] }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['city'],
      additionalProperties: false,
      $defs: { any: true },
    };
    expect(withParameters(parameters)).toMatchObject({ ok: true, value: { tools: [{ function: { parameters } }] } });
  });

  it.each([
    ['tools[0].function.parameters.properties', { type: 'object', properties: 'city' }],
    ['tools[0].function.parameters.properties', { type: 'object', properties: ['city'] }],
    ['tools[0].function.parameters.properties.city', { type: 'object', properties: { city: 'string' } }],
    ['tools[0].function.parameters.properties.city.description', { type: 'object', properties: { city: { type: 'string', description: 1 } } }],
    ['tools[0].function.parameters.properties.a.properties.b.type', { properties: { a: { properties: { b: { type: 7 } } } } }],
    ['tools[0].function.parameters.required[0]', { type: 'object', required: [1] }],
    ['tools[0].function.parameters.type', { type: { nested: true } }],
  ])('refuses what Ollama cannot decode, naming %s', (param, parameters) => {
    expect(errorOf(withParameters(parameters))).toMatchObject({ status: 400, param });
  });

  it('applies to /v1/responses tools too', () => {
    const result = parseResponsesRequest({ model: 'm', input: 'x', tools: [{ type: 'function', name: 'f', parameters: { properties: 3 } }] });
    expect(errorOf(result).param).toBe('tools[0].parameters.properties');
  });
});
