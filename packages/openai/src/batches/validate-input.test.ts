import { describe, expect, it } from 'vitest';
import { jsonlLines } from './input-lines.ts';
import { BatchInputErrorCode, validateBatchInput, type BatchError } from './validate-input.ts';

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function request(customId: string, overrides: Record<string, unknown> = {}, body: Record<string, unknown> = { model: 'nomic-embed-text', input: 'x' }): string {
  return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/embeddings', body, ...overrides });
}

const validate = (lines: readonly string[], options = {}) => validateBatchInput(fromArray(lines), options);

describe('validateBatchInput', () => {
  it('accepts a well-formed file, skipping blank lines, and reports its model and request count', async () => {
    const result = await validate([request('a'), '', request('b'), '   ']);
    expect(result).toEqual({ ok: true, errors: [], requests: 2, model: 'nomic-embed-text' });
  });

  const cases: Array<{ name: string; lines: string[]; expected: Array<Pick<BatchError, 'code' | 'line' | 'param'>>; options?: object }> = [
    { name: 'a line that is not JSON', lines: [request('a'), '{"custom_id": '], expected: [{ code: BatchInputErrorCode.invalidJsonLine, line: 2, param: null }] },
    { name: 'a JSON value that is not an object', lines: ['[1, 2]'], expected: [{ code: BatchInputErrorCode.invalidJsonLine, line: 1, param: null }] },
    { name: 'a missing custom_id', lines: [JSON.stringify({ method: 'POST', url: '/v1/embeddings', body: { model: 'm' } })], expected: [{ code: BatchInputErrorCode.missingCustomId, line: 1, param: 'custom_id' }] },
    { name: 'a duplicate custom_id', lines: [request('a'), request('b'), request('a')], expected: [{ code: BatchInputErrorCode.duplicateCustomId, line: 3, param: 'custom_id' }] },
    { name: 'a method other than POST', lines: [request('a', { method: 'GET' })], expected: [{ code: BatchInputErrorCode.invalidMethod, line: 1, param: 'method' }] },
    { name: 'a url outside the four endpoints', lines: [request('a', { url: '/v1/images/generations' })], expected: [{ code: BatchInputErrorCode.invalidUrl, line: 1, param: 'url' }] },
    { name: 'a url other than the batch’s endpoint', lines: [request('a', { url: '/v1/chat/completions' })], options: { endpoint: '/v1/embeddings' }, expected: [{ code: BatchInputErrorCode.invalidUrl, line: 1, param: 'url' }] },
    { name: 'a body that is not an object', lines: [request('a', { body: 'text' })], expected: [{ code: BatchInputErrorCode.missingBody, line: 1, param: 'body' }] },
    { name: 'a body without a model', lines: [request('a', {}, { input: 'x' })], expected: [{ code: BatchInputErrorCode.missingModel, line: 1, param: 'body.model' }] },
    { name: 'a second model', lines: [request('a'), request('b', {}, { model: 'other', input: 'x' })], expected: [{ code: BatchInputErrorCode.mismatchedModel, line: 2, param: 'body.model' }] },
    { name: 'an empty file', lines: [], expected: [{ code: BatchInputErrorCode.emptyFile, line: null, param: null }] },
    { name: 'a file of blank lines only', lines: ['', ' '], expected: [{ code: BatchInputErrorCode.emptyFile, line: null, param: null }] },
    {
      name: 'several faults on several lines, in line order',
      lines: [request('a', { method: 'PUT', url: '/v2/x' }), 'nope', request('a')],
      expected: [
        { code: BatchInputErrorCode.invalidMethod, line: 1, param: 'method' },
        { code: BatchInputErrorCode.invalidUrl, line: 1, param: 'url' },
        { code: BatchInputErrorCode.invalidJsonLine, line: 2, param: null },
        { code: BatchInputErrorCode.duplicateCustomId, line: 3, param: 'custom_id' },
      ],
    },
  ];

  it.each(cases)('reports $name', async ({ lines, expected, options }) => {
    const result = await validate(lines, options);
    expect(result.ok).toBe(false);
    expect(result.errors.map(({ code, line, param }) => ({ code, line, param }))).toEqual(expected);
    for (const error of result.errors) expect(error.message.length).toBeGreaterThan(10);
  });

  it('refuses more lines than the cap, and stops reading right after the first one too many', async () => {
    let read = 0;
    async function* counted(): AsyncGenerator<string> {
      for (let index = 0; index < 100; index += 1) {
        read += 1;
        yield request(`r${index}`);
      }
    }
    const result = await validateBatchInput(counted(), { maxLines: 5 });
    expect(result.errors).toEqual([{ code: BatchInputErrorCode.tooManyRequests, message: expect.stringContaining('5'), param: null, line: 6 }]);
    expect(read).toBe(6);
  });

  it('accepts 50 000 requests by default and refuses the 50 001st', async () => {
    const lines = (count: number) => Array.from({ length: count }, (_, index) => request(`r${index}`));
    expect((await validate(lines(50_000))).ok).toBe(true);
    expect((await validate(lines(50_001))).errors.map((error) => error.code)).toEqual([BatchInputErrorCode.tooManyRequests]);
  });

  it('keeps at most maxErrors errors, and the file still fails', async () => {
    const result = await validate(Array.from({ length: 50 }, () => 'not json'), { maxErrors: 3 });
    expect(result.ok).toBe(false);
    expect(result.errors.map((error) => error.line)).toEqual([1, 2, 3]);
  });
});

describe('jsonlLines', () => {
  it('splits chunks into lines across chunk boundaries, multi-byte characters and CRLF included', async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\r\n{"b":2}\n\n{"c":"€"}');
    // Cut inside the two-byte é and the three-byte €.
    const chunks = [bytes.slice(0, 7), bytes.slice(7, 15), bytes.slice(15, 27), bytes.slice(27)];
    const lines: string[] = [];
    for await (const line of jsonlLines(fromArray(chunks))) lines.push(line);
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}', '', '{"c":"€"}']);
  });

  it('feeds the validator with line numbers as in the file', async () => {
    const result = await validateBatchInput(jsonlLines(fromArray([`${request('a')}\n\nbroken\n`])));
    expect(result.errors).toEqual([expect.objectContaining({ code: BatchInputErrorCode.invalidJsonLine, line: 3 })]);
  });
});
