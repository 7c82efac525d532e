import { jetstreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobError, BlobFailure, BLOB_DEFAULTS, configureBlobBucket, deleteBlob, deleteBlobBucket, ensureBlobBucket, listBlobs, maxInlinePayload, putBlob, readBlob, takeBlob } from './blobs.ts';
import { connectBus, type Bus } from './bus.ts';
import { StorageReservationError } from './storage.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const uniquePrefix = (label: string) => `${label}${process.pid}${Math.random().toString(36).slice(2, 8)}`;
/** A cap is reserved on the server up front: tests keep theirs small. */
const TEST_BUCKET_BYTES = 16 * 1024 ** 2;
/** More than any JetStream server here has (its default store is at most 1 TB). */
const BEYOND_ANY_SERVER_BYTES = 2 ** 50;

async function failureOf(promise: Promise<unknown>): Promise<BlobError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof BlobError)) throw new Error(`expected a BlobError, got ${String(error)}`);
  return error;
}

async function bucketConfig(bus: Bus) {
  const manager = await jetstreamManager(bus.nc);
  return (await manager.streams.info(`OBJ_${bus.subjects.bucketName('blobs')}`)).config;
}

describe('blobs on a real NATS server', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'blobs-test', prefix: uniquePrefix('blob') });
    configureBlobBucket(bus, { maxBucketBytes: TEST_BUCKET_BYTES });
  });
  afterAll(async () => {
    await deleteBlobBucket(bus);
    await bus.close();
  });

  it('sends inline only what fits in one message, with room to spare', () => {
    const maxPayload = bus.nc.info!.max_payload;
    expect(maxInlinePayload(bus)).toBeLessThan(maxPayload);
    expect(maxInlinePayload(bus)).toBe(Math.floor(maxPayload * 0.9));
  });

  it('carries several times max_payload intact, and a taken blob is gone', async () => {
    const bytes = randomBytes(bus.nc.info!.max_payload * 3 + 17);
    await putBlob(bus, 'job-1.body', bytes);
    expect(Buffer.from(await takeBlob(bus, 'job-1.body')).equals(bytes)).toBe(true);
    expect((await failureOf(takeBlob(bus, 'job-1.body'))).reason).toBe(BlobFailure.Missing);
  });

  it('creates the bucket on first use: file storage, the default TTL and the configured disk cap', async () => {
    const config = await bucketConfig(bus);
    expect(config.storage).toBe('file');
    expect(config.max_age).toBe(nanos(BLOB_DEFAULTS.ttlMs));
    expect(config.max_bytes).toBe(TEST_BUCKET_BYTES);
  });

  it('leaves a read blob in place for the next reader until it is deleted', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ model: 'llava', images: ['aGVsbG8='] }));
    await putBlob(bus, 'job-2.body', bytes);
    expect([...(await readBlob(bus, 'job-2.body'))]).toEqual([...bytes]);
    expect([...(await readBlob(bus, 'job-2.body'))]).toEqual([...bytes]);
    await deleteBlob(bus, 'job-2.body');
    expect((await failureOf(readBlob(bus, 'job-2.body'))).reason).toBe(BlobFailure.Missing);
    // Deleting twice, or a name never stored, is not an error.
    await deleteBlob(bus, 'job-2.body');
    await deleteBlob(bus, 'never-stored');
  });

  it('replaces a blob stored again under the same name', async () => {
    await putBlob(bus, 'job-3.body', new Uint8Array([1, 2, 3]));
    await putBlob(bus, 'job-3.body', new Uint8Array([4, 5]));
    expect([...(await takeBlob(bus, 'job-3.body'))]).toEqual([4, 5]);
  });

  it('keeps an empty blob apart from a missing one', async () => {
    await putBlob(bus, 'empty', new Uint8Array(0));
    expect((await takeBlob(bus, 'empty')).length).toBe(0);
    expect((await failureOf(readBlob(bus, 'empty'))).reason).toBe(BlobFailure.Missing);
  });

  it('serves concurrent first uses from one bucket', async () => {
    const names = Array.from({ length: 8 }, (_, index) => `parallel-${index}`);
    await Promise.all(names.map((name, index) => putBlob(bus, name, new Uint8Array([index]))));
    expect((await listBlobs(bus)).sort()).toEqual([...names].sort());
    const read = await Promise.all(names.map((name) => takeBlob(bus, name)));
    expect(read.map((bytes) => bytes[0])).toEqual(names.map((_, index) => index));
    expect(await listBlobs(bus)).toEqual([]);
  });
});

describe('blob limits and expiry', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'blobs-limits-test', prefix: uniquePrefix('blobttl') });
    await ensureBlobBucket(bus, { ttlMs: 1000, maxBlobBytes: 4096, maxBucketBytes: TEST_BUCKET_BYTES });
  });
  afterAll(async () => {
    await deleteBlobBucket(bus);
    await bus.close();
  });

  it('refuses a blob above the size limit without storing anything', async () => {
    const failure = await failureOf(putBlob(bus, 'huge', new Uint8Array(4097)));
    expect(failure.reason).toBe(BlobFailure.TooLarge);
    expect(failure.message).toContain('exceeds');
    expect((await failureOf(readBlob(bus, 'huge'))).reason).toBe(BlobFailure.Missing);
    await putBlob(bus, 'at-limit', new Uint8Array(4096));
    await deleteBlob(bus, 'at-limit');
  });

  it('lets an abandoned blob expire after the TTL', async () => {
    expect((await bucketConfig(bus)).max_age).toBe(nanos(1000));
    await putBlob(bus, 'abandoned', new Uint8Array([9]));
    expect([...(await readBlob(bus, 'abandoned'))]).toEqual([9]);
    // JetStream expires the chunk before the metadata: a read that lands between the two waits for a
    // chunk that is gone (nats.js keeps waiting), so each poll gives a read one second and polls on.
    let reason: BlobFailure | 'pending' | undefined;
    const deadline = Date.now() + 20_000;
    while (reason !== BlobFailure.Missing && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      reason = await Promise.race([
        readBlob(bus, 'abandoned').then(
          () => undefined,
          (error: unknown) => (error instanceof BlobError ? error.reason : undefined),
        ),
        new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 1000)),
      ]);
    }
    expect(reason).toBe(BlobFailure.Missing);
  }, 40_000);

  it('removes the bucket and every blob with it, then recreates it on next use', async () => {
    await putBlob(bus, 'kept', new Uint8Array([1]));
    await deleteBlobBucket(bus);
    const manager = await jetstreamManager(bus.nc);
    await expect(manager.streams.info(`OBJ_${bus.subjects.bucketName('blobs')}`)).rejects.toThrow();
    expect((await failureOf(readBlob(bus, 'kept'))).reason).toBe(BlobFailure.Missing);
    await putBlob(bus, 'after', new Uint8Array([2]));
    expect([...(await takeBlob(bus, 'after'))]).toEqual([2]);
    // Recreated with the limits this connection was given, not the defaults.
    expect(await bucketConfig(bus)).toMatchObject({ max_age: nanos(1000), max_bytes: TEST_BUCKET_BYTES });
  });
});

describe('blob bucket storage reservations', () => {
  const buses: Bus[] = [];
  const connect = async (label: string, prefix = uniquePrefix(label)) => {
    const bus = await connectBus({ servers, name: `blobs-storage-${label}`, prefix });
    buses.push(bus);
    return bus;
  };
  afterAll(async () => {
    for (const bus of buses) {
      await deleteBlobBucket(bus);
      await bus.close();
    }
  });

  it('reserves nothing for a cap of 0', async () => {
    const bus = await connect('blobnocap');
    await ensureBlobBucket(bus, { maxBucketBytes: 0 });
    expect((await bucketConfig(bus)).max_bytes).toBe(-1);
    await putBlob(bus, 'uncapped', new Uint8Array(bus.nc.info!.max_payload * 2));
    expect((await readBlob(bus, 'uncapped')).length).toBe(bus.nc.info!.max_payload * 2);
  });

  it('says which setting to lower when the server has no room for the cap, and tries again on next use', async () => {
    const bus = await connect('blobfull');
    const failure = await failureOf(ensureBlobBucket(bus, { maxBucketBytes: BEYOND_ANY_SERVER_BYTES }));
    expect(failure.reason).toBe(BlobFailure.Unavailable);
    expect(failure.cause).toBeInstanceOf(StorageReservationError);
    expect(failure.message).toContain('BLOB_BUCKET_MAX_BYTES');
    expect(failure.message).toContain('10047');
    // Nothing was created; with a cap the server can hold, the next use succeeds.
    configureBlobBucket(bus, { maxBucketBytes: TEST_BUCKET_BYTES });
    await putBlob(bus, 'fits', new Uint8Array([1]));
    expect((await bucketConfig(bus)).max_bytes).toBe(TEST_BUCKET_BYTES);
  });

  it('opens a bucket that already exists as it is, whatever cap this connection was given', async () => {
    const prefix = uniquePrefix('blobshared');
    const creator = await connect('blobcreator', prefix);
    await ensureBlobBucket(creator, { maxBucketBytes: TEST_BUCKET_BYTES });
    const other = await connect('blobother', prefix);
    configureBlobBucket(other, { maxBucketBytes: 2 * TEST_BUCKET_BYTES });
    await putBlob(other, 'shared', new Uint8Array([3]));
    expect([...(await takeBlob(creator, 'shared'))]).toEqual([3]);
    expect((await bucketConfig(other)).max_bytes).toBe(TEST_BUCKET_BYTES);
  });
});
