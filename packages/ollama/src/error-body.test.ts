import { describe, expect, it } from 'vitest';
import { errorBodyMessage } from './error-body.ts';

describe('errorBodyMessage', () => {
  it.each([
    ['{"error":"model \\"x\\" not found, try pulling it first"}', 'model "x" not found, try pulling it first'],
    ['  {"error":"server busy"}\n', 'server busy'],
    ['{"error":"","extra":1}', ''],
    ['404 page not found', undefined],
    ['', undefined],
    ['{not json', undefined],
    ['{"error":42}', undefined],
    ['{"message":"x"}', undefined],
    ['["error"]', undefined],
    ['"error"', undefined],
    ['null', undefined],
  ])('reads %j as %j', (text, message) => {
    expect(errorBodyMessage(text)).toBe(message);
  });
});
