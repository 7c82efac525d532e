import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from './constant-time.ts';

describe('constantTimeEqual', () => {
  it.each([
    ['same', 'same', true],
    ['same', 'samE', false],
    ['short', 'shorter', false],
    ['', '', true],
    ['', 'x', false],
  ])('%j vs %j → %s', (left, right, expected) => {
    expect(constantTimeEqual(left, right)).toBe(expected);
  });
});
