import { describe, expect, it } from 'vitest';
import { mergeOptions, resolveKeepAlive, resolveThinkOverride, type ModelOverrides } from './overrides.ts';

const overrides: ModelOverrides = { options: { temperature: 0.9, num_ctx: 4096 }, think: 'low', keep_alive: -1 };

describe('mergeOptions', () => {
  it.each([
    ['the request wins and overrides fill the rest', { temperature: 0.1 }, overrides, { temperature: 0.1, num_ctx: 4096 }],
    ['nothing set is nothing sent', {}, undefined, undefined],
    ['overrides alone', {}, overrides, { temperature: 0.9, num_ctx: 4096 }],
    ['an unset request value does not hide the override', { temperature: undefined }, overrides, { temperature: 0.9, num_ctx: 4096 }],
    ['an unset override value is dropped', { top_k: 5 }, { options: { num_ctx: undefined } }, { top_k: 5 }],
  ])('%s', (_case, requested, given, merged) => {
    expect(mergeOptions(requested, given)).toEqual(merged);
  });
});

describe('keep_alive and think', () => {
  it.each([
    ['5m', overrides, '5m'],
    [0, overrides, 0],
    [undefined, overrides, -1],
    [undefined, undefined, undefined],
  ])('keep_alive %j over override gives %j', (requested, given, resolved) => {
    expect(resolveKeepAlive(requested, given)).toBe(resolved);
  });

  it.each([
    [false, overrides, false],
    ['high', overrides, 'high'],
    [undefined, overrides, 'low'],
    [undefined, {}, undefined],
  ] as const)('think %j over override gives %j', (requested, given, resolved) => {
    expect(resolveThinkOverride(requested, given)).toBe(resolved);
  });
});
