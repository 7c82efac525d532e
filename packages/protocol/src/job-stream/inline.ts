import type { Job } from '../job.ts';
import { PROTOCOL_VERSION } from '../version.ts';
import { encodeJob } from './encode.ts';

/*
 * Inline or blob: a message above NATS's max_payload cannot be published, so its bulk (a job's
 * body, a final's native object) goes to the object store first and the message names the blob.
 */

const encoder = new TextEncoder();

/**
 * Whether an encoded message fits in `maxBytes` (see the bus's maxInlinePayload). A UTF-16 code unit
 * never takes more than 3 bytes in UTF-8, so the common small message is judged without measuring it.
 */
export function fitsInline(payload: string, maxBytes: number): boolean {
  return payload.length * 3 <= maxBytes || Buffer.byteLength(payload) <= maxBytes;
}

/** The blob holding a job's body: one per request, shared by every worker the edge tries. */
export function jobBodyBlobName(requestId: string): string {
  return `${requestId}.body`;
}

/** The blob holding a final's native object; unique per worker, since after a timeout the edge may run the same request elsewhere. */
export function finalDataBlobName(requestId: string, workerId: string): string {
  return `${requestId}.${workerId}.final`;
}

/** A job as the edge builds it: always with its body inline; planJob decides how the body travels. */
export type InlineJob = Omit<Job, 'v' | 'body' | 'bodyRef'> & { body: Record<string, unknown> };

/** What to publish for a job, and the blob to store first when its body does not fit inline. */
export type JobPlan = { payload: string; bodyBlob?: undefined } | { payload: string; bodyBlob: { name: string; bytes: Uint8Array } };

export function planJob(job: InlineJob, maxInlineBytes: number): JobPlan {
  const inline = encodeJob({ v: PROTOCOL_VERSION, ...job });
  if (fitsInline(inline, maxInlineBytes)) return { payload: inline };
  const { body, ...envelope } = job;
  const name = jobBodyBlobName(job.requestId);
  return {
    payload: encodeJob({ v: PROTOCOL_VERSION, ...envelope, bodyRef: name }),
    bodyBlob: { name, bytes: encoder.encode(JSON.stringify(body)) },
  };
}

/**
 * The bytes of a final's native object, as stored under finalDataBlobName (decodeFinalData reads
 * them); `dataText` is its JSON text as received, when known (see encodeFinal).
 */
export function encodeFinalData(data: Record<string, unknown>, dataText?: string): Uint8Array {
  return encoder.encode(dataText ?? JSON.stringify(data));
}
