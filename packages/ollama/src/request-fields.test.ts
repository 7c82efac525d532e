import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { extraRequestFields, optionKeys, pickOptions, thinkSchema } from './request-fields.ts';

const extras = z.object(extraRequestFields);

describe('extraRequestFields', () => {
  it('accepts every field as optional', () => {
    expect(extras.parse({})).toEqual({});
  });

  it.each([
    ['num_ctx', 0],
    ['num_ctx', 1.5],
    ['num_predict', -3],
    ['top_k', -1],
    ['min_p', 1.5],
    ['use_mmap', 'yes'],
    ['think', 'extreme'],
    ['keep_alive', 'NaN'],
  ])('refuses %s = %j, naming the field', (field, value) => {
    const result = extras.safeParse({ [field]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it('takes think as on/off or an effort level', () => {
    for (const value of [true, false, 'low', 'medium', 'high', 'max']) expect(thinkSchema.parse(value)).toBe(value);
  });
});

describe('pickOptions', () => {
  it('copies only the option fields that are set, not keep_alive, think or foreign fields', () => {
    expect(pickOptions({ num_ctx: 8192, top_k: 0, num_predict: undefined, keep_alive: '5m', think: true, temperature: 0.2, model: 'm' })).toEqual({ num_ctx: 8192, top_k: 0 });
    expect(pickOptions({})).toEqual({});
  });

  it('knows every field it validates', () => {
    expect(optionKeys).toContain('num_ctx');
    expect(optionKeys).not.toContain('keep_alive');
  });
});
