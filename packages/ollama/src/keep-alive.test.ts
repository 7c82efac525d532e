import { describe, expect, it } from 'vitest';
import { durationSeconds, keepAliveSchema, MAX_KEEP_ALIVE_SECONDS } from './keep-alive.ts';

describe('keepAliveSchema', () => {
  it.each([
    ['5m', '5m'],
    ['1h30m', '1h30m'],
    ['1.5h', '1.5h'],
    ['0', 0],
    ['-1', -1],
    ['-1m', -1],
    ['3600', 3600],
    [0, 0],
    [300, 300],
    [2.5, 2.5],
    [-1, -1],
    [-128, -1],
    [MAX_KEEP_ALIVE_SECONDS, MAX_KEEP_ALIVE_SECONDS],
  ])('accepts %j and sends %j', (value, sent) => {
    expect(keepAliveSchema.parse(value)).toBe(sent);
  });

  it.each([[1e308], [MAX_KEEP_ALIVE_SECONDS + 1], [-1e308 * 10], ['NaN'], ['Infinity'], ['1e400h'], ['5 m'], ['5x'], ['a\u0000b'], [''], ['m'], ['9999999999h'], [true], [{}]])(
    'refuses %j',
    (value) => {
      expect(keepAliveSchema.safeParse(value).success).toBe(false);
    },
  );
});

describe('durationSeconds', () => {
  it.each([
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['-1m', -60],
    ['500ms', 0.5],
    ['0', 0],
    ['+0', 0],
    ['10', undefined],
    ['5 m', undefined],
    ['h', undefined],
  ])('reads %j as %j seconds, as Go would', (text, seconds) => {
    expect(durationSeconds(text)).toBe(seconds);
  });
});
