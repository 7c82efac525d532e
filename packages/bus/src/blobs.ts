import { nanos } from '@nats-io/nats-core';
import { Objm, StorageType, type ObjectStore } from '@nats-io/obj';
import type { Bus } from './bus.ts';
import { StorageReservationError, isStorageExhausted, streamMaxBytes } from './storage.ts';

/*
 * Blobs: payloads too large for one NATS message (a job body with inline images, the final reply
 * of a large embed), parked in a JetStream object store bucket and passed by name instead. The
 * bucket is shared by every edge and worker of a prefix; one process writes a blob, another reads
 * it, and whoever consumes it last deletes it. A TTL removes the blobs nobody came back for
 * (a crashed edge, a cancelled job).
 */

/** NATS's default max_payload, for a connection that has not (yet) reported its server's. */
const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Share of max_payload a message may fill before it goes through a blob: the rest is slack for headers. */
const INLINE_SHARE = 0.9;

export const BLOB_DEFAULTS = {
  /** Longer than any job may reasonably wait for its worker or its edge. */
  ttlMs: 15 * 60 * 1000,
  /**
   * Disk cap of the whole bucket, reserved on the JetStream server when the bucket is created; a put
   * beyond it fails (retry later) rather than evicting live blobs. 0: no cap, nothing reserved.
   */
  maxBucketBytes: 1024 ** 3,
  /** Largest single blob: far above the edge's HTTP body limit, far below the bucket's cap. */
  maxBlobBytes: 64 * 1024 ** 2,
} as const;

export interface BlobBucketOptions {
  ttlMs?: number;
  maxBucketBytes?: number;
  maxBlobBytes?: number;
}

export const BlobFailure = {
  /** No such blob: never written, already taken, deleted or expired. */
  Missing: 'missing',
  /** Larger than any blob the bucket accepts. */
  TooLarge: 'too_large',
  /** The object store could not be reached or refused the operation (JetStream down, bucket full). */
  Unavailable: 'unavailable',
} as const;
export type BlobFailure = (typeof BlobFailure)[keyof typeof BlobFailure];

export class BlobError extends Error {
  constructor(
    readonly reason: BlobFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BlobError';
  }
}

interface BlobBucket {
  store: ObjectStore;
  maxBlobBytes: number;
}

/** One bucket handle per connection, created on first use (a rejected creation is retried next time). */
const buckets = new WeakMap<Bus, Promise<BlobBucket>>();
/** The limits a connection creates the bucket with, each time it (re)creates it. */
const settings = new WeakMap<Bus, BlobBucketOptions>();

/** The largest message worth sending inline; anything larger travels as a blob. */
export function maxInlinePayload(bus: Bus): number {
  return Math.floor((bus.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES) * INLINE_SHARE);
}

/**
 * Chooses the limits this connection creates the bucket with, on first use and after any failure
 * (services pass their configuration here at startup, before the first blob). A bucket that already
 * exists is opened as it is: its limits are those of whoever created it.
 */
export function configureBlobBucket(bus: Bus, options: BlobBucketOptions): void {
  settings.set(bus, options);
}

/**
 * Creates (or opens) the blobs bucket for this connection now. Optional: every other function does
 * it on first use; options given here replace those of configureBlobBucket (tests use a short TTL).
 */
export function ensureBlobBucket(bus: Bus, options?: BlobBucketOptions): Promise<void> {
  if (options) configureBlobBucket(bus, options);
  return bucketOf(bus).then(() => undefined);
}

/** Stores `bytes` under `name`, replacing any blob of that name. */
export async function putBlob(bus: Bus, name: string, bytes: Uint8Array): Promise<void> {
  const bucket = await bucketOf(bus);
  if (bytes.length > bucket.maxBlobBytes) {
    throw new BlobError(BlobFailure.TooLarge, `a blob of ${megabytes(bytes.length)} exceeds the object store's limit of ${megabytes(bucket.maxBlobBytes)}`);
  }
  try {
    // Chunks as large as a message allows: each one waits for its own JetStream ack.
    await bucket.store.putBlob({ name, options: { max_chunk_size: maxInlinePayload(bus) } }, bytes);
  } catch (error) {
    forget(bus);
    throw new BlobError(BlobFailure.Unavailable, `could not store blob ${name}: ${describe(error)}`, { cause: error });
  }
}

/** The bytes of a blob, left in place (a job body may be read again by the next worker tried). */
export async function readBlob(bus: Bus, name: string): Promise<Uint8Array> {
  const bucket = await bucketOf(bus);
  let bytes: Uint8Array | null;
  try {
    bytes = await bucket.store.getBlob(name);
  } catch (error) {
    forget(bus);
    throw new BlobError(BlobFailure.Unavailable, `could not read blob ${name}: ${describe(error)}`, { cause: error });
  }
  if (bytes === null) throw new BlobError(BlobFailure.Missing, `blob ${name} does not exist (expired, already taken or never stored)`);
  return bytes;
}

/** Reads a blob and deletes it: for the one consumer of a blob written for it alone. */
export async function takeBlob(bus: Bus, name: string): Promise<Uint8Array> {
  const bytes = await readBlob(bus, name);
  // The bytes are what the caller needs; a failed delete only leaves the blob to its TTL.
  await deleteBlob(bus, name).catch(() => undefined);
  return bytes;
}

/** Deletes a blob and frees its chunks; deleting one that does not exist is not an error. */
export async function deleteBlob(bus: Bus, name: string): Promise<void> {
  const bucket = await bucketOf(bus);
  try {
    await bucket.store.delete(name);
  } catch (error) {
    forget(bus);
    throw new BlobError(BlobFailure.Unavailable, `could not delete blob ${name}: ${describe(error)}`, { cause: error });
  }
}

/** Names of the blobs stored now (operations and tests: what is parked, what was left behind). */
export async function listBlobs(bus: Bus): Promise<string[]> {
  const bucket = await bucketOf(bus);
  try {
    return (await bucket.store.list()).map((info) => info.name);
  } catch (error) {
    forget(bus);
    throw new BlobError(BlobFailure.Unavailable, `could not list blobs: ${describe(error)}`, { cause: error });
  }
}

/** Removes the bucket and every blob in it (tests and tenant teardown). */
export async function deleteBlobBucket(bus: Bus): Promise<void> {
  forget(bus);
  const manager = new Objm(bus.nc);
  const name = bus.subjects.bucketName('blobs');
  for await (const status of manager.list()) {
    if (status.bucket !== name) continue;
    await (await manager.open(name)).destroy();
    return;
  }
}

function bucketOf(bus: Bus): Promise<BlobBucket> {
  let bucket = buckets.get(bus);
  if (!bucket) {
    bucket = createBucket(bus, settings.get(bus) ?? {});
    buckets.set(bus, bucket);
    const created = bucket;
    created.catch(() => {
      if (buckets.get(bus) === created) forget(bus);
    });
  }
  return bucket;
}

async function createBucket(bus: Bus, options: BlobBucketOptions): Promise<BlobBucket> {
  const name = bus.subjects.bucketName('blobs');
  const capBytes = options.maxBucketBytes ?? BLOB_DEFAULTS.maxBucketBytes;
  try {
    const store = await new Objm(bus.nc).create(name, {
      storage: StorageType.File,
      ttl: nanos(options.ttlMs ?? BLOB_DEFAULTS.ttlMs),
      max_bytes: streamMaxBytes(capBytes),
    });
    return { store, maxBlobBytes: options.maxBlobBytes ?? BLOB_DEFAULTS.maxBlobBytes };
  } catch (error) {
    const cause = isStorageExhausted(error) ? new StorageReservationError({ what: `the object store bucket ${name}`, setting: 'BLOB_BUCKET_MAX_BYTES', capBytes }, { cause: error }) : error;
    throw new BlobError(BlobFailure.Unavailable, `could not open the object store bucket ${name}: ${describe(cause)}`, { cause });
  }
}

/** After a failure the bucket may be gone (deleted, JetStream reset): the next use opens it again. */
function forget(bus: Bus): void {
  buckets.delete(bus);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}
