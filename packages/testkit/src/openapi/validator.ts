import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import formatsPlugin from 'ajv-formats';
import { parse } from 'yaml';

/**
 * Validates values against OpenAI's official OpenAPI document
 * (`packages/testkit/reference/openai-openapi.yaml`, kept in the repository so a fresh clone tests
 * itself), so translator tests prove that what
 * Corral sends is what OpenAI's own schema describes.
 */

export interface OpenAPIValidation {
  valid: boolean;
  errors: string[];
}

const documentId = 'openai-openapi';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function openAPIDocumentPath(): string {
  return fileURLToPath(new URL('../../reference/openai-openapi.yaml', import.meta.url));
}

/**
 * OpenAPI 3.0 leftovers in the 3.1 document: `nullable: true` becomes a JSON-Schema null type.
 * `oneOf` becomes `anyOf`: OpenAI's unions are discriminated by `type`, and some of their
 * branches overlap structurally, which would make valid values fail "exactly one".
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const converted: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'discriminator' || key.startsWith('x-')) continue;
    if (key === 'oneOf') converted.anyOf = toJsonSchema(value);
    else if (key === 'example' || key === 'examples') continue;
    else converted[key] = toJsonSchema(value);
  }
  if (node.nullable !== true) return converted;
  if (typeof converted.type === 'string') {
    converted.type = [converted.type, 'null'];
    if (Array.isArray(converted.enum)) converted.enum = [...converted.enum, null];
    return converted;
  }
  return { anyOf: [converted, { type: 'null' }] };
}

function collectFormats(node: unknown, formats: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectFormats(item, formats);
    return;
  }
  if (!isObject(node)) return;
  if (typeof node.format === 'string' && typeof node.type === 'string') formats.add(node.format);
  for (const value of Object.values(node)) collectFormats(value, formats);
}

interface LoadedSpec {
  ajv: Ajv;
  schemas: JsonObject;
  validators: Map<string, ValidateFunction>;
}

let loaded: LoadedSpec | undefined;

/**
 * Parsing the 3 MB YAML takes about a second; every test file runs in its own process, so the
 * converted schemas are cached as JSON in the temp directory, keyed by the document's size and
 * modification time.
 */
function convertedSchemas(): JsonObject {
  const path = openAPIDocumentPath();
  const stats = statSync(path);
  const cachePath = join(tmpdir(), `corral-openai-openapi-${stats.size}-${Math.floor(stats.mtimeMs)}.json`);
  if (existsSync(cachePath)) {
    try {
      return JSON.parse(readFileSync(cachePath, 'utf8')) as JsonObject;
    } catch {
      // a damaged cache is rebuilt below
    }
  }
  const document: unknown = parse(readFileSync(path, 'utf8'), { maxAliasCount: -1 });
  const components = isObject(document) && isObject(document.components) ? document.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const converted = toJsonSchema(schemas) as JsonObject;
  try {
    const partial = `${cachePath}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(converted));
    renameSync(partial, cachePath);
  } catch {
    // caching is an optimisation only
  }
  return converted;
}

function load(): LoadedSpec {
  if (loaded !== undefined) return loaded;
  const converted = convertedSchemas();

  const ajv = new Ajv({ strict: false, allErrors: false, logger: false, validateSchema: false });
  const addFormats = formatsPlugin as unknown as (instance: Ajv) => Ajv;
  addFormats(ajv);
  const formats = new Set<string>();
  collectFormats(converted, formats);
  for (const format of formats) {
    // OpenAI-specific formats (unixtime, png, ...) carry no checkable rule.
    if (!(format in ajv.formats)) ajv.addFormat(format, true);
  }
  ajv.addSchema({ $id: documentId, components: { schemas: converted } });
  loaded = { ajv, schemas: converted, validators: new Map() };
  return loaded;
}

export function hasOpenAPISchema(schemaName: string): boolean {
  return Object.hasOwn(load().schemas, schemaName);
}

/** Validates `value` against `#/components/schemas/<schemaName>` of OpenAI's OpenAPI document. */
export function validateAgainstOpenAPI(schemaName: string, value: unknown): OpenAPIValidation {
  const spec = load();
  if (!Object.hasOwn(spec.schemas, schemaName)) {
    return { valid: false, errors: [`unknown schema ${schemaName}`] };
  }
  let validate = spec.validators.get(schemaName);
  if (validate === undefined) {
    validate = spec.ajv.compile({ $ref: `${documentId}#/components/schemas/${schemaName}` });
    spec.validators.set(schemaName, validate);
  }
  const valid = validate(value) === true;
  const errors = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`);
  return { valid, errors: valid ? [] : errors };
}

function referencedName(member: unknown): string | undefined {
  if (!isObject(member) || typeof member.$ref !== 'string') return undefined;
  return member.$ref.replace('#/components/schemas/', '');
}

function discriminatorValues(schema: unknown, property: string): unknown[] {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const field = schema.properties[property];
  if (!isObject(field)) return [];
  if (Array.isArray(field.enum)) return field.enum;
  return 'const' in field ? [field.const] : [];
}

/**
 * The member of the union schema `unionName` (anyOf/oneOf of $refs) whose `property`
 * (default `type`) admits the value's own: e.g. `ResponseStreamEvent` + `response.created`
 * → `ResponseCreatedEvent`. Undefined when no member matches.
 */
export function openAPIVariantName(unionName: string, value: unknown, property = 'type'): string | undefined {
  const spec = load();
  const union = spec.schemas[unionName];
  const members = isObject(union) && Array.isArray(union.anyOf) ? union.anyOf : [];
  const wanted = isObject(value) ? value[property] : undefined;
  for (const member of members) {
    const name = referencedName(member);
    if (name !== undefined && discriminatorValues(spec.schemas[name], property).includes(wanted)) return name;
  }
  return undefined;
}

/** Validates against the one member of a discriminated union (precise errors, no union noise). */
export function validateAgainstOpenAPIVariant(unionName: string, value: unknown, property = 'type'): OpenAPIValidation & { schemaName?: string } {
  const schemaName = openAPIVariantName(unionName, value, property);
  if (schemaName === undefined) {
    const tag = isObject(value) ? JSON.stringify(value[property]) : 'none';
    return { valid: false, errors: [`no member of ${unionName} has ${property} ${tag}`] };
  }
  return { ...validateAgainstOpenAPI(schemaName, value), schemaName };
}
