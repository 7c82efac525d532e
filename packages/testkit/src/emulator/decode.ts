import type { ChatRequest, EmbedRequest, GenerateRequest, ThinkValue } from '@corral/ollama';
import { assertBase64 } from './base64.ts';
import { parseKeepAlive } from './duration.ts';
import { ErrorText, OllamaError } from './errors.ts';

/** How a Go struct field decodes; the string is the Go type printed in decoder errors. */
export type FieldKind = 'string' | 'bool' | 'int' | 'float' | 'stringArray' | 'array' | 'map' | 'any';

const goTypes: Record<FieldKind, string> = {
  string: 'string',
  bool: 'bool',
  int: 'int',
  float: 'float64',
  stringArray: '[]string',
  array: '[]interface {}',
  map: 'map[string]interface {}',
  any: 'interface {}',
};

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function typeError(value: unknown, field: string, kind: FieldKind | string): OllamaError {
  const goType = kind in goTypes ? goTypes[kind as FieldKind] : kind;
  const shown = kind === 'int' && typeof value === 'number' ? `number ${value}` : jsonKind(value);
  return new OllamaError(400, `json: cannot unmarshal ${shown} into Go struct field ${field} of type ${goType}`);
}

function fits(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'stringArray':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'array':
      return Array.isArray(value);
    case 'map':
      return typeof value === 'object' && !Array.isArray(value);
    case 'any':
      return true;
  }
}

/** Checks the JSON types of known fields; null means "absent" as in Go. Unknown fields are ignored. */
export function checkFields(value: Record<string, unknown>, struct: string, spec: Record<string, FieldKind>): void {
  for (const [field, kind] of Object.entries(spec)) {
    const item = value[field];
    if (item === undefined || item === null) continue;
    if (!fits(item, kind)) throw typeError(item, `${struct}.${field}`, kind);
  }
}

function asObject(value: unknown, goType: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : jsonKind(value);
    if (kind === 'null') return {};
    throw new OllamaError(400, `json: cannot unmarshal ${kind} into Go value of type ${goType}`);
  }
  return value as Record<string, unknown>;
}

/** Drops JSON nulls so handlers see absent fields, as Go leaves zero values. */
function withoutNulls<T>(value: Record<string, unknown>): T {
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) result[key] = item;
  return result as T;
}

const thinkLevels = new Set(['high', 'medium', 'low', 'max']);

/** api.ThinkValue: bool or one of the levels. */
function decodeThink(value: unknown): ThinkValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && thinkLevels.has(value)) return value as ThinkValue;
  throw new OllamaError(400, `invalid think value: ${JSON.stringify(value)} (must be "high", "medium", "low", "max", true, or false)`);
}

const commonFields = {
  model: 'string',
  format: 'any',
  options: 'map',
  stream: 'bool',
  keep_alive: 'any',
  think: 'any',
  truncate: 'bool',
  shift: 'bool',
  logprobs: 'bool',
  top_logprobs: 'int',
  _debug_render_only: 'bool',
} as const satisfies Record<string, FieldKind>;

const messageFields = {
  role: 'string',
  content: 'string',
  thinking: 'string',
  images: 'stringArray',
  tool_calls: 'array',
  tool_name: 'string',
  tool_call_id: 'string',
} as const satisfies Record<string, FieldKind>;

/** A decoded chat/generate request plus the parsed keep_alive (ms). */
export interface Decoded<T> {
  request: T;
  keepAliveMs: number | undefined;
}

function decodeKeepAlive(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : parseKeepAlive(value);
}

export function decodeChatRequest(body: unknown): Decoded<ChatRequest> {
  const value = asObject(body, 'api.ChatRequest');
  checkFields(value, 'ChatRequest', { ...commonFields, messages: 'array', tools: 'array' });
  const messages = ((value.messages as unknown[] | undefined) ?? []).map((item) => {
    const message = asObject(item, 'api.Message');
    checkFields(message, 'ChatRequest.messages', messageFields);
    for (const image of (message.images as string[] | undefined) ?? []) assertBase64(image);
    const decoded = withoutNulls<ChatRequest['messages'][number]>(message);
    decoded.role = typeof message.role === 'string' ? message.role.toLowerCase() : '';
    decoded.content = typeof message.content === 'string' ? message.content : '';
    return decoded;
  });
  const request = withoutNulls<ChatRequest>(value);
  request.messages = messages;
  request.model = typeof value.model === 'string' ? value.model : '';
  const think = decodeThink(value.think);
  if (think === undefined) delete request.think;
  else request.think = think;
  return { request, keepAliveMs: decodeKeepAlive(value.keep_alive) };
}

export function decodeGenerateRequest(body: unknown): Decoded<GenerateRequest> {
  const value = asObject(body, 'api.GenerateRequest');
  checkFields(value, 'GenerateRequest', {
    ...commonFields,
    prompt: 'string',
    suffix: 'string',
    images: 'stringArray',
    system: 'string',
    template: 'string',
    context: 'array',
    raw: 'bool',
  });
  for (const image of (value.images as string[] | undefined) ?? []) assertBase64(image);
  const request = withoutNulls<GenerateRequest & { context?: unknown[] }>(value);
  request.model = typeof value.model === 'string' ? value.model : '';
  const think = decodeThink(value.think);
  if (think === undefined) delete request.think;
  else request.think = think;
  return { request, keepAliveMs: decodeKeepAlive(value.keep_alive) };
}

export interface DecodedEmbed {
  request: EmbedRequest;
  inputs: string[];
  keepAliveMs: number | undefined;
}

export function decodeEmbedRequest(body: unknown): DecodedEmbed {
  const value = asObject(body, 'api.EmbedRequest');
  checkFields(value, 'EmbedRequest', {
    model: 'string',
    input: 'any',
    truncate: 'bool',
    dimensions: 'int',
    keep_alive: 'any',
    options: 'map',
  });
  const input = value.input;
  let inputs: string[];
  if (input === undefined || input === null || input === '') inputs = [];
  else if (typeof input === 'string') inputs = [input];
  else if (Array.isArray(input) && input.every((item) => typeof item === 'string')) inputs = input as string[];
  else throw new OllamaError(400, ErrorText.invalidInputType);
  const request = withoutNulls<EmbedRequest>(value);
  request.model = typeof value.model === 'string' ? value.model : '';
  return { request, inputs, keepAliveMs: decodeKeepAlive(value.keep_alive) };
}

export interface EmbeddingsRequest {
  model: string;
  prompt?: string;
  keep_alive?: string | number;
  options?: Record<string, unknown>;
}

export function decodeEmbeddingsRequest(body: unknown): Decoded<EmbeddingsRequest> {
  const value = asObject(body, 'api.EmbeddingRequest');
  checkFields(value, 'EmbeddingRequest', { model: 'string', prompt: 'string', keep_alive: 'any', options: 'map' });
  const request = withoutNulls<EmbeddingsRequest>(value);
  request.model = typeof value.model === 'string' ? value.model : '';
  return { request, keepAliveMs: decodeKeepAlive(value.keep_alive) };
}

/** Checks `top_logprobs` like the chat and generate handlers do, first thing after decoding. */
export function checkTopLogprobs(topLogprobs: number | undefined): void {
  if (topLogprobs !== undefined && (topLogprobs < 0 || topLogprobs > 20)) {
    throw new OllamaError(400, ErrorText.topLogprobsRange);
  }
}
