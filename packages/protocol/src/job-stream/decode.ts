import type { z } from 'zod';
import { Cancel, Job } from '../job.ts';
import { rememberChunkReply } from './chunk-text.ts';
import { WorkerReply } from '../reply.ts';
import { PROTOCOL_VERSION } from '../version.ts';

/** Why a job-stream message was not accepted. */
export const StreamFault = {
  /** Not JSON, or not the shape its schema requires. */
  Malformed: 'malformed',
  /** A reply whose seq is not the next one: messages were lost or reordered. */
  OutOfSequence: 'out_of_sequence',
} as const;
export type StreamFault = (typeof StreamFault)[keyof typeof StreamFault];

/** A job-stream message that was refused; `requestId` is set when it could still be read. */
export class JobStreamError extends Error {
  constructor(
    readonly fault: StreamFault,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'JobStreamError';
  }
}

const decoder = new TextDecoder();

function parseJson(bytes: Uint8Array): unknown {
  return parseText(decoder.decode(bytes));
}

function parseText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new JobStreamError(StreamFault.Malformed, `bus payload is not JSON: ${text.slice(0, 120)}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeWithSchema<T extends z.ZodType>(schema: T, bytes: Uint8Array): z.infer<T> {
  const raw = parseJson(bytes);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const requestId = isObject(raw) && typeof raw.requestId === 'string' ? raw.requestId : undefined;
  throw new JobStreamError(StreamFault.Malformed, parsed.error.message, requestId);
}

/** A job as the worker receives it; throws a JobStreamError naming the request when it can. */
export function decodeJob(bytes: Uint8Array): Job {
  return decodeWithSchema(Job, bytes);
}

export function decodeCancel(bytes: Uint8Array): Cancel {
  return decodeWithSchema(Cancel, bytes);
}

/**
 * A worker reply. Token chunks are nearly every message and their envelope is checked by hand,
 * accepting exactly what the Chunk schema accepts (the native chunk inside is the translators'
 * business); every other reply is validated in full. Throws a JobStreamError.
 */
export function decodeWorkerReply(bytes: Uint8Array): WorkerReply {
  const text = decoder.decode(bytes);
  const raw = parseText(text);
  if (isChunkEnvelope(raw)) {
    const chunk = raw as { requestId: string; seq: number; data: object };
    // Kept so the native line can be passed on byte for byte (see rawChunkLine).
    rememberChunkReply(chunk.data, { text, requestId: chunk.requestId, seq: chunk.seq });
    return raw as unknown as WorkerReply;
  }
  return decodeParsed(raw);
}

function isChunkEnvelope(raw: unknown): boolean {
  if (!isObject(raw) || raw.type !== 'chunk' || raw.v !== PROTOCOL_VERSION || typeof raw.requestId !== 'string') return false;
  return Number.isInteger(raw.seq) && (raw.seq as number) >= 0 && isObject(raw.data);
}

function decodeParsed(raw: unknown): WorkerReply {
  const parsed = WorkerReply.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new JobStreamError(StreamFault.Malformed, `malformed reply from worker: ${parsed.error.message.slice(0, 200)}`);
}

/** The native object of a final sent by reference (the blob holds its JSON); undefined when it is not one object. */
export function decodeFinalData(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(decoder.decode(bytes));
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}
