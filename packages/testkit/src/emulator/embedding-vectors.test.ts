import { describe, expect, it } from 'vitest';
import { embedVector, normalize, rawEmbedding, shortestFloat32 } from './embedding-vectors.ts';
import { Random } from './prng.ts';

/** The definition: the fewest significant digits that read back as the same float32. */
function shortestByDefinition(value: number): number {
  const single = Math.fround(value);
  for (let precision = 1; precision < 9; precision++) {
    const candidate = Number(single.toPrecision(precision));
    if (Math.fround(candidate) === single) return candidate;
  }
  return Number(single.toPrecision(9));
}

describe('shortestFloat32', () => {
  it.each([
    [0.1, 0.1],
    [0.5, 0.5],
    [1 / 3, 0.33333334],
    [-0.0100710291415453, -0.010071029],
    [0, 0],
    [1, 1],
    [0.000123, 0.000123],
    [2 ** 24 + 1, 2 ** 24],
  ])('%s → %s', (value, expected) => {
    expect(shortestFloat32(value)).toBe(expected);
  });

  it('agrees with the definition on random values, short decimals and powers of two', () => {
    const random = new Random(42);
    const values: number[] = [];
    for (let index = 0; index < 100_000; index++) values.push((random.next() * 2 - 1) * 10 ** random.between(-8, 8));
    for (let digits = 1; digits <= 7; digits++) for (let index = 0; index < 2000; index++) values.push(Number((random.next() * 2 - 1).toPrecision(digits)));
    for (let exponent = -40; exponent <= 40; exponent++) values.push(2 ** exponent, -(2 ** exponent), Math.fround(2 ** exponent * (1 + 2 ** -23)));
    const mismatches = values.filter((value) => !Object.is(shortestFloat32(value), shortestByDefinition(value)));
    expect(mismatches).toEqual([]);
  });
});

describe('embedVector', () => {
  it('is the full vector for no dimensions and the normalised prefix of the raw vector for fewer', () => {
    const full = rawEmbedding('all-minilm', 'tides', 384);
    expect(embedVector('all-minilm', 'tides', 384, undefined)).toEqual(normalize(full));
    expect(embedVector('all-minilm', 'tides', 384, 32)).toEqual(normalize(full.slice(0, 32)));
    expect(embedVector('all-minilm', 'tides', 384, 384)).toEqual(normalize(full));
    expect(embedVector('all-minilm', 'tides', 384, 1000)).toEqual(normalize(full));
  });
});
