import { BlobError, BlobFailure, deleteBlob, putBlob, takeBlob, type Bus } from '@corral/bus';
import { decodeFinalData, ErrorCode } from '@corral/protocol';
import type { Logger } from '@corral/log';
import { JobError } from './job-error.ts';

/* The object store's part in a run: a body too large for one NATS message, a final sent by reference. */

/**
 * Stores a job's body as a blob; rejects with the JobError the client should see. A store that
 * fails for any reason but the body's size is the operator's problem (a full JetStream server, a
 * bucket that could not be created): it is logged, since the client only sees a 503.
 */
export async function storeJobBody(bus: Bus, blob: { name: string; bytes: Uint8Array }, retryAfterSeconds: number, logger?: Logger): Promise<void> {
  try {
    await putBlob(bus, blob.name, blob.bytes);
  } catch (error) {
    if (error instanceof BlobError && error.reason === BlobFailure.TooLarge) {
      throw new JobError(ErrorCode.BadRequest, `This request is too large to send to a worker: ${error.message}. Send fewer or smaller images or inputs.`);
    }
    logger?.warn({ err: error, bytes: blob.bytes.length }, 'the object store refused a job body too large for one NATS message; the request was answered 503');
    throw new JobError(ErrorCode.UpstreamUnavailable, 'the request is larger than one message bus message, and the object store that carries such requests to workers is unavailable; try again shortly', {
      retryAfterSeconds,
    });
  }
}

/** Best effort: the bucket's TTL removes what a failed delete leaves behind. */
export function releaseJobBody(bus: Bus, name: string): void {
  void deleteBlob(bus, name).catch(() => undefined);
}

/** The native object of a final sent by reference; the blob was written for this run alone, so it is taken. */
export async function fetchFinalData(bus: Bus, dataRef: string, retryAfterSeconds: number, logger?: Logger): Promise<Record<string, unknown>> {
  let bytes: Uint8Array;
  try {
    bytes = await takeBlob(bus, dataRef);
  } catch (error) {
    logger?.warn({ err: error }, "a worker's answer could not be read from the object store; the request was answered 503");
    throw new JobError(ErrorCode.UpstreamUnavailable, "the worker's answer is larger than one message bus message, and the object store holding it could not be read; try again shortly", {
      retryAfterSeconds,
    });
  }
  const data = decodeFinalData(bytes);
  if (!data) throw new JobError(ErrorCode.Internal, 'malformed reply from worker');
  return data;
}
