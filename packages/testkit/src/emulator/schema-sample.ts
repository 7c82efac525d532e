import type { Random } from './prng.ts';
import { VOCABULARY } from './vocabulary.ts';

type Schema = Record<string, unknown>;

export interface SampleSettings {
  /** Fill every declared property (structured output) or only the required ones (tool arguments). */
  properties: 'all' | 'required';
}

/** Values a model would plausibly put in a string property with this name. */
const plausibleStrings: ReadonlyArray<[RegExp, string]> = [
  [/city|location|place|town/i, 'Paris'],
  [/country/i, 'France'],
  [/timezone|time_zone|tz/i, 'Europe/Paris'],
  [/email/i, 'alice@example.com'],
  [/url|link|website/i, 'https://example.com'],
  [/date/i, '2026-08-21'],
  [/time/i, '10:00'],
  [/name/i, 'Alice'],
  [/lang/i, 'en'],
  [/unit/i, 'celsius'],
  [/query|search|question|text|prompt/i, 'llama facts'],
];

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveReference(reference: string, root: Schema): Schema {
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(reference);
  const definitions = match ? root[match[1] as string] : undefined;
  const target = isSchema(definitions) ? definitions[match?.[2] ?? ''] : undefined;
  return isSchema(target) ? target : {};
}

function schemaType(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.find((item) => item !== 'null') ?? type[0];
  if (isSchema(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
}

function formattedString(format: unknown): string | undefined {
  switch (format) {
    case 'date-time':
      return '2026-08-21T10:00:00Z';
    case 'date':
      return '2026-08-21';
    case 'time':
      return '10:00:00';
    case 'email':
      return 'alice@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com';
    case 'uuid':
      return '123e4567-e89b-42d3-a456-426614174000';
    case 'ipv4':
      return '192.0.2.1';
    default:
      return undefined;
  }
}

function sampleString(schema: Schema, name: string, random: Random): string {
  let text = formattedString(schema.format);
  if (text === undefined) {
    text = plausibleStrings.find(([pattern]) => pattern.test(name))?.[1];
  }
  if (text === undefined) {
    const count = random.between(1, 3);
    const words: string[] = [];
    for (let index = 0; index < count; index++) words.push(random.pick(VOCABULARY));
    text = words.join(' ');
  }
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  while (text.length < minLength) text += 'a';
  return text.slice(0, maxLength);
}

function sampleNumber(schema: Schema, integer: boolean, random: Random): number {
  const exclusiveMinimum = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
  const exclusiveMaximum = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : undefined;
  let low = typeof schema.minimum === 'number' ? schema.minimum : exclusiveMinimum ?? 1;
  let high = typeof schema.maximum === 'number' ? schema.maximum : exclusiveMaximum ?? Math.max(low, 0) + 100;
  if (integer) {
    low = Math.ceil(low);
    high = Math.floor(high);
    if (exclusiveMinimum !== undefined && low <= exclusiveMinimum) low = Math.floor(exclusiveMinimum) + 1;
    if (exclusiveMaximum !== undefined && high >= exclusiveMaximum) high = Math.ceil(exclusiveMaximum) - 1;
    const value = high >= low ? random.between(low, high) : low;
    const multiple = typeof schema.multipleOf === 'number' ? schema.multipleOf : undefined;
    return multiple !== undefined && multiple > 0 ? Math.ceil(value / multiple) * multiple : value;
  }
  const value = low + random.next() * (high - low);
  const rounded = Math.round(value * 100) / 100;
  if (exclusiveMinimum !== undefined && rounded <= exclusiveMinimum) return (exclusiveMinimum + high) / 2;
  if (exclusiveMaximum !== undefined && rounded >= exclusiveMaximum) return (low + exclusiveMaximum) / 2;
  return rounded;
}

function sampleArray(schema: Schema, name: string, root: Schema, random: Random, settings: SampleSettings): unknown[] {
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 1;
  const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(minItems, 2);
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems.filter(isSchema) : [];
  const count = Math.max(prefix.length, random.between(minItems, Math.max(minItems, maxItems)));
  const items: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const itemSchema = prefix[index] ?? (isSchema(schema.items) ? schema.items : {});
    items.push(sampleValue(itemSchema, name, root, random, settings));
  }
  return items;
}

function sampleObject(schema: Schema, root: Schema, random: Random, settings: SampleSettings): Record<string, unknown> {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === 'string') : [];
  const keys = settings.properties === 'all' ? [...new Set([...Object.keys(properties), ...required])] : required;
  const result: Record<string, unknown> = {};
  for (const key of keys) {
    const propertySchema = properties[key];
    result[key] = sampleValue(isSchema(propertySchema) ? propertySchema : {}, key, root, random, settings);
  }
  return result;
}

function sampleValue(schema: Schema, name: string, root: Schema, random: Random, settings: SampleSettings): unknown {
  if (typeof schema.$ref === 'string') {
    return sampleValue(resolveReference(schema.$ref, root), name, root, random, settings);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  for (const keyword of ['anyOf', 'oneOf', 'allOf'] as const) {
    const choices = schema[keyword];
    if (Array.isArray(choices)) {
      const first = choices.find((choice) => isSchema(choice) && choice.type !== 'null') ?? choices[0];
      if (isSchema(first)) return sampleValue({ ...schema, [keyword]: undefined, ...first }, name, root, random, settings);
    }
  }
  switch (schemaType(schema)) {
    case 'object':
      return sampleObject(schema, root, random, settings);
    case 'array':
      return sampleArray(schema, name, root, random, settings);
    case 'integer':
      return sampleNumber(schema, true, random);
    case 'number':
      return sampleNumber(schema, false, random);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return sampleString(schema, name, random);
  }
}

/** A JSON value satisfying `schema` (objects, arrays, enums, $ref, anyOf → first branch, bounds). */
export function sampleFromSchema(schema: unknown, random: Random, settings: SampleSettings = { properties: 'all' }): unknown {
  const root = isSchema(schema) ? schema : {};
  return sampleValue(root, '', root, random, settings);
}
