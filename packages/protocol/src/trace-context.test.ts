import { describe, expect, it } from 'vitest';
import { validTraceparent } from './trace-context.ts';

const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('validTraceparent', () => {
  it.each([
    ['the spec example', valid, valid],
    ['surrounding spaces trimmed', ` ${valid} `, valid],
    ['a future version with extra fields', 'cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds', 'cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds'],
    ['version 00 with extra fields', `${valid}-extra`, undefined],
    ['version ff', 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', undefined],
    ['an all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', undefined],
    ['an all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', undefined],
    ['upper-case hex', valid.toUpperCase(), undefined],
    ['a short trace id', '00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01', undefined],
    ['garbage', 'hello', undefined],
    ['a repeated header', [valid, valid], undefined],
    ['no header', undefined, undefined],
  ])('%s', (_, input, expected) => {
    expect(validTraceparent(input)).toBe(expected);
  });
});
