import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { Random } from './prng.ts';
import { sampleFromSchema } from './schema-sample.ts';

const ajv = new Ajv({ strict: false });
addFormats.default(ajv);

const schemas: Record<string, Record<string, unknown>> = {
  'flat object': { type: 'object', properties: { age: { type: 'integer' }, name: { type: 'string' } }, required: ['age'] },
  'nested with arrays and enums': {
    type: 'object',
    properties: {
      person: {
        type: 'object',
        properties: {
          email: { type: 'string', format: 'email' },
          tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, minItems: 2, maxItems: 3 },
          score: { type: 'number', minimum: 0.5, maximum: 0.75 },
          level: { type: 'integer', exclusiveMinimum: 3, exclusiveMaximum: 5 },
          active: { type: 'boolean' },
        },
        required: ['email', 'tags', 'score', 'level', 'active'],
        additionalProperties: false,
      },
    },
    required: ['person'],
  },
  anyOf: { anyOf: [{ type: 'integer', minimum: 10 }, { type: 'string' }] },
  'nullable type list': { type: ['null', 'string'], minLength: 3, maxLength: 5 },
  $defs: {
    type: 'object',
    $defs: { point: { type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'] } },
    properties: { points: { type: 'array', items: { $ref: '#/$defs/point' } } },
    required: ['points'],
  },
  const: { type: 'object', properties: { kind: { const: 'fixed' } }, required: ['kind'] },
  'array at the top': { type: 'array', items: { type: 'integer', multipleOf: 5 } },
};

describe('sampleFromSchema', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`satisfies ${name}`, () => {
      for (let seed = 0; seed < 20; seed++) {
        const value = sampleFromSchema(schema, new Random(seed));
        expect(ajv.validate(schema, value), `${JSON.stringify(value)}: ${ajv.errorsText()}`).toBe(true);
      }
    });
  }

  it('fills only required properties for tool arguments', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'] };
    expect(sampleFromSchema(schema, new Random(1), { properties: 'required' })).toEqual({ city: 'Paris' });
    expect(Object.keys(sampleFromSchema(schema, new Random(1)) as object)).toEqual(['city', 'unit']);
  });
});
