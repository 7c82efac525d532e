import type { z } from 'zod';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes and validates one bus payload; throws a readable error on a malformed message. */
export function decodeWith<T extends z.ZodType>(schema: T, bytes: Uint8Array): z.infer<T> {
  const text = decoder.decode(bytes);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`bus payload is not JSON: ${text.slice(0, 120)}`);
  }
  return schema.parse(raw);
}
