import { describe, expect, it } from 'vitest';
import { parseCompletionRequest } from '../completions/request-schema.ts';
import { parseEmbeddingsRequest } from '../embeddings/request-schema.ts';
import type { Result } from '../errors.ts';
import { MAX_TOKENS_PER_REQUEST } from './token-ids.ts';

// 'tiktoken is great!' and 'Hello world' in cl100k_base.
const GREAT = [83, 1609, 5963, 374, 2294, 0];
const HELLO = [9906, 1917];

/** Both text-or-tokens parameters, through their real request parsers. */
const parameters: { param: string; parse: (value: unknown) => Result<string | string[]> }[] = [
  {
    param: 'input',
    parse: (input) => {
      const parsed = parseEmbeddingsRequest({ model: 'm', input });
      return parsed.ok ? { ok: true, value: parsed.value.input } : parsed;
    },
  },
  {
    param: 'prompt',
    parse: (prompt) => {
      const parsed = parseCompletionRequest({ model: 'm', prompt });
      return parsed.ok ? { ok: true, value: parsed.value.prompt } : parsed;
    },
  },
];

describe.each(parameters)('$param as token ids', ({ param, parse }) => {
  it.each([
    ['one token list is one text', GREAT, 'tiktoken is great!'],
    ['token lists are several texts, in order', [GREAT, HELLO, [100257]], ['tiktoken is great!', 'Hello world', '<|endoftext|>']],
    ['a single token', [0], '!'],
  ])('%s', (_name, value, expected) => {
    expect(parse(value)).toEqual({ ok: true, value: expected });
  });

  it('still takes text', () => {
    expect(parse('plain')).toEqual({ ok: true, value: 'plain' });
    expect(parse(['a', 'b'])).toEqual({ ok: true, value: ['a', 'b'] });
  });

  it.each([
    ['a float', [9906, 1.5], '[1]', /1\.5 is not a cl100k_base token id/],
    ['a negative id', [-1], '[0]', /-1 is not a cl100k_base token id/],
    ['an id past the vocabulary', [100_277], '[0]', /100277 is not a cl100k_base token id/],
    ['an id in the gap below the special tokens', [100_256], '[0]', /100256 is not/],
    ['an id in the gap between the special tokens', [100_261], '[0]', /100261 is not/],
    ['a huge number', [1e308], '[0]', /is not a cl100k_base token id/],
    ['a bad id in a later list', [HELLO, [1, 2, 1e9]], '[1][2]', /1000000000 is not/],
    ['an empty token list', [HELLO, []], '[1]', /must not be empty/],
    ['an empty first token list', [[]], '[0]', /must not be empty/],
    ['text after token ids', [9906, 'world'], '[1]', /expected a token id \(an integer from 0 to 100276\), received string/],
    ['text after token lists', [HELLO, 'world'], '[1]', /expected a token list, received string/],
    ['a token list in a flat list', [9906, [1917]], '[1]', /expected a token id .*, received array/],
    ['null in a token list', [HELLO, [1, null]], '[1][1]', /received null/],
    ['token ids after text', ['Hello', 1917], '[1]', /expected string/],
    ['an empty list', [], '', /at least one/],
  ])('refuses %s with a 400 naming the element', (_name, value, suffix, message) => {
    const parsed = parse(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect([parsed.error.status, parsed.error.type, parsed.error.param]).toEqual([400, 'invalid_request_error', `${param}${suffix}`]);
      expect(parsed.error.message).toMatch(message);
    }
  });

  it(`takes ${MAX_TOKENS_PER_REQUEST} tokens summed over the lists, and refuses one more`, () => {
    const half = Array.from({ length: MAX_TOKENS_PER_REQUEST / 2 }, () => 15339);
    const atLimit = parse([half, half]);
    expect(atLimit.ok && atLimit.value.length).toBe(2);
    for (const over of [[half, [...half, 0]], [...half, ...half, 0]]) {
      const parsed = parse(over);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect([parsed.error.status, parsed.error.param, parsed.error.message]).toEqual([400, param, expect.stringMatching(/at most 300000 tokens/)]);
    }
  });
});

describe('embeddings input as token lists', () => {
  it('holds at most 2048 lists, like text inputs', () => {
    expect(parseEmbeddingsRequest({ model: 'm', input: Array.from({ length: 2048 }, () => HELLO) }).ok).toBe(true);
    const parsed = parseEmbeddingsRequest({ model: 'm', input: Array.from({ length: 2049 }, () => HELLO) });
    expect(!parsed.ok && [parsed.error.status, parsed.error.param, parsed.error.message]).toEqual([400, 'input', expect.stringMatching(/at most 2048 token lists/)]);
  });
});
