import { describe, expect, it } from 'vitest';
import { functionParametersSchema } from './tool-parameters.ts';

describe('functionParametersSchema', () => {
  it('accepts JSON schemas as Ollama reads them, other keywords untouched', () => {
    const parameters = {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'a city' },
        unit: { type: ['string', 'null'], enum: ['c', 'f', null] },
        place: { anyOf: [{ type: 'string' }, { type: 'object', properties: { lat: { type: 'number' } }, required: ['lat'] }] },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['city'],
      additionalProperties: false,
      $defs: { any: true },
    };
    expect(functionParametersSchema.parse(parameters)).toEqual(parameters);
  });

  it.each([
    ['type', { type: ['object'] }],
    ['required', { required: 'city' }],
    ['properties', { properties: [] }],
    ['properties.city.type', { properties: { city: { type: 1 } } }],
    ['properties.city.description', { properties: { city: { description: {} } } }],
    ['properties.city.enum', { properties: { city: { enum: 'c' } } }],
    ['properties.city.properties.x.required', { properties: { city: { properties: { x: { required: [1] } } } } }],
    ['properties.city.anyOf', { properties: { city: { anyOf: {} } } }],
  ])('refuses a wrong %s, which Ollama would refuse the whole request for', (_field, parameters) => {
    expect(functionParametersSchema.safeParse(parameters).success).toBe(false);
  });
});
