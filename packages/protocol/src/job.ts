import { z } from 'zod';
import { PROTOCOL_VERSION } from './version.ts';

/** `show` asks the host for a model's details (Ollama's /api/show); it answers with one final, like embed. */
export const JobKind = { Chat: 'chat', Generate: 'generate', Embed: 'embed', Show: 'show' } as const;
export type JobKind = (typeof JobKind)[keyof typeof JobKind];

/** Name of an object in the blobs bucket (see the bus's blob store). */
export const BlobName = z.string().min(1).max(512);
export type BlobName = z.infer<typeof BlobName>;

const jobFields = {
  v: z.literal(PROTOCOL_VERSION),
  requestId: z.string().min(1),
  kind: z.enum([JobKind.Chat, JobKind.Generate, JobKind.Embed, JobKind.Show]),
  /** The resolved Ollama model name (after alias resolution). */
  model: z.string().min(1),
  /** Epoch ms after which the worker should give up. */
  deadline: z.number().int().optional(),
  keyId: z.string().optional(),
  /** W3C trace context of the caller's request (see validTraceparent), passed on to Ollama. */
  traceparent: z.string().max(512).optional(),
  /**
   * `batch` for a line of a batch: the worker takes it only on a slot interactive work leaves free,
   * and gives the slot back (cancels it, retryable) when an interactive job would otherwise queue.
   * Absent means interactive.
   */
  lane: z.enum(['interactive', 'batch']).optional(),
};

export const JobLane = { Interactive: 'interactive', Batch: 'batch' } as const;
export type JobLane = (typeof JobLane)[keyof typeof JobLane];

/**
 * The canonical job: an Ollama native request body (/api/chat, /api/generate or /api/embed) plus
 * metadata. Workers stay thin: they post the body to Ollama as it is. The body travels inline
 * (`body`) or, when the job would not fit in one NATS message (max_payload), as the name of a blob
 * holding its JSON (`bodyRef`); exactly one of the two is present.
 */
export const Job = z.union([
  z.object({ ...jobFields, body: z.record(z.string(), z.unknown()), bodyRef: z.never().optional() }),
  z.object({ ...jobFields, bodyRef: BlobName, body: z.never().optional() }),
]);
export type Job = z.infer<typeof Job>;

export const Cancel = z.object({
  v: z.literal(PROTOCOL_VERSION),
  requestId: z.string().min(1),
  reason: z.string().optional(),
});
export type Cancel = z.infer<typeof Cancel>;
