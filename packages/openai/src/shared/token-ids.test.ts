import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Tiktoken } from 'js-tiktoken/lite';
import cl100kBase from 'js-tiktoken/ranks/cl100k_base';
import { describe, expect, it } from 'vitest';
import { decodeTokenIds, isTokenId, LARGEST_TOKEN_ID } from './token-ids.ts';

describe('decodeTokenIds', () => {
  // Ids as tiktoken's cl100k_base gives them (OpenAI's cookbook, "How to count tokens with tiktoken").
  it.each([
    ['tiktoken is great!', [83, 1609, 5963, 374, 2294, 0]],
    ['antidisestablishmentarianism', [519, 85342, 34500, 479, 8997, 2191]],
    ['2 + 2 = 4', [17, 489, 220, 17, 284, 220, 19]],
    ['お誕生日おめでとう', [33334, 45918, 243, 21990, 9080, 33334, 62004, 16556, 78699]],
    ['Hello world', [9906, 1917]],
    ['<|endoftext|>', [100257]],
    ['<|endofprompt|>', [100276]],
  ])('decodes %j', (text, ids) => {
    expect(decodeTokenIds(ids)).toBe(text);
  });

  it('reads a character cut between two token lists as U+FFFD, as tiktoken does', () => {
    // '😀' is two tokens; each alone holds part of its UTF-8 bytes.
    expect(decodeTokenIds([76460, 222])).toBe('😀');
    expect(decodeTokenIds([76460])).toBe('\uFFFD');
    expect(decodeTokenIds([222, 9906])).toBe('\uFFFDHello');
  });

  it('keeps a leading byte-order mark, as tiktoken does', () => {
    expect(decodeTokenIds([3305])).toBe('\uFEFF');
    expect(decodeTokenIds([3305, 9906])).toBe('\uFEFFHello');
  });
});

describe('decodeTokenIds against js-tiktoken', () => {
  const encoding = new Tiktoken(cl100kBase);

  it('decodes every token as js-tiktoken does (which drops a leading byte-order mark)', () => {
    const different: number[] = [];
    for (let id = 0; id <= LARGEST_TOKEN_ID; id += 1) {
      if (!isTokenId(id)) continue;
      const ours = decodeTokenIds([id]);
      if (ours !== encoding.decode([id]) && !(ours.startsWith('\uFEFF') && ours.slice(1) === encoding.decode([id]))) different.push(id);
    }
    expect(different).toEqual([]);
  });

  it.each(['Hello, world!', 'Grüße aus Köln — 東京 🦙', '  leading spaces\n\ttabs and\r\nlines', 'x'.repeat(5000), '\uFEFFwith a byte-order mark'])('round-trips %j', (text) => {
    expect(decodeTokenIds(encoding.encode(text))).toBe(text);
  });
});

describe('isTokenId', () => {
  it.each([
    [0, true],
    [100_255, true],
    [100_256, false],
    [100_257, true],
    [100_260, true],
    [100_261, false],
    [100_275, false],
    [100_276, true],
    [100_277, false],
    [-1, false],
    [1.5, false],
    [1e308, false],
    [Number.NaN, false],
  ])('%d → %s', (id, expected) => {
    expect(isTokenId(id)).toBe(expected);
  });

  it('agrees with the ranks: exactly the ids it accepts decode to text', () => {
    const rejected: number[] = [];
    const undecodable: number[] = [];
    for (let id = 0; id <= LARGEST_TOKEN_ID + 10; id += 1) {
      const decodes = decodeTokenIds([id]) !== '';
      if (decodes && !isTokenId(id)) rejected.push(id);
      if (!decodes && isTokenId(id)) undecodable.push(id);
    }
    expect({ rejected, undecodable }).toEqual({ rejected: [], undecodable: [] });
  });
});

describe('loading the ranks', () => {
  it('happens on the first token-id input, not before', async () => {
    // A fresh process: the ranks are a CommonJS module, so require.cache shows whether they loaded.
    const script = `
      import { createRequire } from 'node:module';
      import { parseEmbeddingsRequest } from './src/embeddings/request-schema.ts';
      const cache = createRequire(import.meta.url).cache;
      const loaded = () => Object.keys(cache).some((path) => path.includes('cl100k_base'));
      const text = parseEmbeddingsRequest({ model: 'm', input: ['some text'] });
      const before = loaded();
      const tokens = parseEmbeddingsRequest({ model: 'm', input: [[9906, 1917]] });
      console.log(JSON.stringify({ text: text.ok, before, tokens: tokens.ok && tokens.value.input, after: loaded() }));
    `;
    const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', script], { cwd: packageRoot });
    expect(JSON.parse(stdout)).toEqual({ text: true, before: false, tokens: ['Hello world'], after: true });
  });
});
