import { z } from 'zod';
import { BusError, type ErrorCode } from '../errors.ts';
import { PROTOCOL_VERSION } from '../version.ts';

/** Every accounting reply: a result, or an error value (never a bare exception across the bus). */
export function AccountingReply<T extends z.ZodType>(result: T) {
  return z.discriminatedUnion('ok', [
    z.object({ v: z.literal(PROTOCOL_VERSION), ok: z.literal(true), result }),
    z.object({ v: z.literal(PROTOCOL_VERSION), ok: z.literal(false), error: BusError }),
  ]);
}
export type AccountingReply<T> = { v: typeof PROTOCOL_VERSION; ok: true; result: T } | { v: typeof PROTOCOL_VERSION; ok: false; error: BusError };

export function replyOk<T>(result: T): AccountingReply<T> {
  return { v: PROTOCOL_VERSION, ok: true, result };
}

export function replyError(code: ErrorCode, message: string): AccountingReply<never> {
  return { v: PROTOCOL_VERSION, ok: false, error: { code, message, retryable: false } };
}
