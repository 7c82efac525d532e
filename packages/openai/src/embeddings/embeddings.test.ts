import { describe, expect, it } from 'vitest';
import { validateAgainstOpenAPI } from '@corral/testkit/testing';
import { assertOpenAPI } from '../testing/index.ts';
import { parseEmbeddingsRequest } from './request-schema.ts';
import { buildEmbeddingsResponse, encodeEmbeddingBase64 } from './response.ts';
import { embeddingsJob, embeddingsToNative, splitEmbeddingInputs } from './to-canonical.ts';

function parse(body: Record<string, unknown>) {
  const parsed = parseEmbeddingsRequest({ model: 'alias', ...body });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

describe('parseEmbeddingsRequest', () => {
  it.each([
    ['missing input (A.3 #65)', { model: 'm' }, 'input'],
    ['empty list', { model: 'm', input: [] }, 'input'],
    ['empty string', { model: 'm', input: '' }, 'input'],
    ['empty string in a list', { model: 'm', input: ['a', ''] }, 'input[1]'],
    ['an invalid token id', { model: 'm', input: [[1, 2], [-3]] }, 'input[1][0]'],
    ['an empty token list', { model: 'm', input: [[]] }, 'input[0]'],
    ['unknown encoding (A.4 #75)', { model: 'm', input: 'x', encoding_format: 'json' }, 'encoding_format'],
    ['zero dimensions', { model: 'm', input: 'x', dimensions: 0 }, 'dimensions'],
    ['dimensions wider than any model', { model: 'm', input: 'x', dimensions: 65_537 }, 'dimensions'],
    ['too many inputs', { model: 'm', input: Array.from({ length: 2049 }, () => 'x') }, 'input'],
  ])('rejects %s', (_name, body, param) => {
    const result = parseEmbeddingsRequest(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.status, result.error.param]).toEqual([400, param]);
  });

  it.each(['float', 'base64', 'FLOAT', 'BASE64', 'Float', 'Base64'])('accepts encoding_format %s case-insensitively (A.4 #75)', (format) => {
    expect(parse({ input: 'x', encoding_format: format }).encoding_format).toBe(format.toLowerCase());
  });
});

describe('embeddingsToNative', () => {
  it('sends single and batch input as an array (A.3 #63, #64)', () => {
    expect(embeddingsToNative(parse({ input: 'Hello' }), { model: 'all-minilm' })).toEqual({
      native: { model: 'all-minilm', input: ['Hello'] },
      inputs: ['Hello'],
      encodingFormat: 'float',
    });
    expect(embeddingsToNative(parse({ input: ['Hello', 'World'], encoding_format: 'base64' }), { model: 'all-minilm' }).native.input).toEqual(['Hello', 'World']);
  });

  it('sends token-id inputs as their cl100k_base text', () => {
    expect(embeddingsToNative(parse({ input: [9906, 1917] }), { model: 'all-minilm' }).native.input).toEqual(['Hello world']);
    expect(embeddingsToNative(parse({ input: [[9906, 1917], [83, 1609, 5963, 374, 2294, 0]] }), { model: 'all-minilm' }).inputs).toEqual(['Hello world', 'tiktoken is great!']);
  });

  it('passes dimensions, truncate, keep_alive and num_ctx, with overrides beneath', () => {
    const translation = embeddingsToNative(parse({ input: 'x', dimensions: 256, truncate: false, num_ctx: 512 }), {
      model: 'all-minilm',
      overrides: { options: { num_ctx: 2048, num_thread: 4 }, keep_alive: '5m' },
    });
    expect(translation.native).toEqual({ model: 'all-minilm', input: ['x'], dimensions: 256, truncate: false, keep_alive: '5m', options: { num_ctx: 512, num_thread: 4 } });
    expect(embeddingsJob(translation.native, ['y'])).toEqual({ ...translation.native, input: ['y'] });
  });
});

describe('splitEmbeddingInputs', () => {
  it.each([
    [['a', 'b', 'c', 'd', 'e'], 2, [['a', 'b', 'c'], ['d', 'e']]],
    [['a', 'b', 'c'], 3, [['a'], ['b'], ['c']]],
    [['a', 'b'], 5, [['a'], ['b']]],
    [['a', 'b', 'c'], 1, [['a', 'b', 'c']]],
    [['a', 'b', 'c'], 0, [['a', 'b', 'c']]],
  ])('splits %j into %i contiguous parts', (inputs, parts, expected) => {
    expect(splitEmbeddingInputs(inputs, parts)).toEqual(expected);
    expect(splitEmbeddingInputs(inputs, parts).flat()).toEqual(inputs);
  });
});

describe('buildEmbeddingsResponse', () => {
  it('builds the float response (A.2 #28)', () => {
    const response = buildEmbeddingsResponse({ model: 'all-minilm', vectors: [[0.1, -0.2, 0.3]], promptTokens: 10, encodingFormat: 'float' });
    assertOpenAPI('CreateEmbeddingResponse', response);
    expect(response).toEqual({
      object: 'list',
      data: [{ object: 'embedding', embedding: [0.1, -0.2, 0.3], index: 0 }],
      model: 'all-minilm',
      usage: { prompt_tokens: 10, total_tokens: 10 },
    });
  });

  it('encodes little-endian float32 base64 (A.2 #29, #32)', () => {
    expect(encodeEmbeddingBase64([0.1, -0.2, 0.3])).toBe('zczMPc3MTL6amZk+');
    const response = buildEmbeddingsResponse({ model: 'test-model', vectors: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], promptTokens: 5, encodingFormat: 'base64' });
    // OpenAI's schema only knows float arrays although its API (and SDK default) use base64 strings.
    expect(validateAgainstOpenAPI('CreateEmbeddingResponse', response).errors.join()).toMatch(/\/data\/0\/embedding/);
    expect(response.data).toEqual([
      { object: 'embedding', embedding: 'zczMPc3MTD4=', index: 0 },
      { object: 'embedding', embedding: 'mpmZPs3MzD4=', index: 1 },
      { object: 'embedding', embedding: 'AAAAP5qZGT8=', index: 2 },
    ]);
  });

  it('round-trips through float32 and handles empty vectors (A.2 #34, #35)', () => {
    const vector = [1.5, -2.25, 0, 1e-3, 42];
    const bytes = Buffer.from(encodeEmbeddingBase64(vector), 'base64');
    expect(bytes.length).toBe(20);
    expect([...new Float32Array(bytes.buffer, bytes.byteOffset, 5)]).toEqual(vector.map(Math.fround));
    expect(encodeEmbeddingBase64([])).toBe('');
    expect(buildEmbeddingsResponse({ model: 'm', vectors: [], promptTokens: 0, encodingFormat: 'float' }).data).toEqual([]);
  });
});
