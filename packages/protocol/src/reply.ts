import { z } from 'zod';
import { BusError } from './errors.ts';
import { BlobName } from './job.ts';
import { PROTOCOL_VERSION } from './version.ts';

/** Token counts and Ollama's timings (nanoseconds), taken from the final native chunk. */
export const Usage = z.object({
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  totalDurationNs: z.number().nonnegative().optional(),
  loadDurationNs: z.number().nonnegative().optional(),
  promptEvalDurationNs: z.number().nonnegative().optional(),
  evalDurationNs: z.number().nonnegative().optional(),
});
export type Usage = z.infer<typeof Usage>;

const base = { v: z.literal(PROTOCOL_VERSION), requestId: z.string() };

export const Accept = z.object({ ...base, type: z.literal('accept'), workerId: z.string() });
export const Refuse = z.object({ ...base, type: z.literal('refuse'), workerId: z.string(), error: BusError });
/** One native Ollama chunk (an NDJSON object), forwarded as it came. */
export const Chunk = z.object({ ...base, type: z.literal('chunk'), seq: z.number().int().nonnegative(), data: z.record(z.string(), z.unknown()) });
const finalFields = { ...base, type: z.literal('final'), seq: z.number().int().nonnegative(), usage: Usage, workerId: z.string() };
/**
 * The last native chunk (done:true) or the whole non-streamed response, with extracted usage. The
 * native object travels inline (`data`) or, when the reply would not fit in one NATS message
 * (max_payload), as the name of a blob holding its JSON (`dataRef`); exactly one of the two is
 * present, and usage always stays inline. A plain union cannot be a member of the discriminated
 * WorkerReply, so the type tag is matched first and the union of both forms checked after it.
 */
export const Final = z.looseObject({ type: z.literal('final') }).pipe(
  z.union([
    z.object({ ...finalFields, data: z.record(z.string(), z.unknown()), dataRef: z.never().optional() }),
    z.object({ ...finalFields, dataRef: BlobName, data: z.never().optional() }),
  ]),
);
export const Failure = z.object({ ...base, type: z.literal('error'), seq: z.number().int().nonnegative(), error: BusError, workerId: z.string() });
/** Sent while Ollama is silent (loading, evaluating a long prompt) so the edge can tell slow from dead. */
export const KeepAlive = z.object({ ...base, type: z.literal('keepalive'), seq: z.number().int().nonnegative() });

export const WorkerReply = z.discriminatedUnion('type', [Accept, Refuse, Chunk, Final, Failure, KeepAlive]);
export type WorkerReply = z.infer<typeof WorkerReply>;
export type Accept = z.infer<typeof Accept>;
export type Refuse = z.infer<typeof Refuse>;
export type Chunk = z.infer<typeof Chunk>;
export type Final = z.infer<typeof Final>;
export type Failure = z.infer<typeof Failure>;
export type KeepAlive = z.infer<typeof KeepAlive>;
