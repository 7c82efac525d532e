import { Objm, StorageType, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Bus } from './bus.ts';
import { maxInlinePayload } from './blobs.ts';
import { StorageReservationError, isStorageExhausted, streamMaxBytes } from './storage.ts';

/*
 * Files: what callers upload to /v1/files (batch inputs today), kept in a JetStream object store
 * bucket. Durable and replicated with the JetStream cluster, written and read in chunks of one
 * message each, so a file of hundreds of megabytes never sits whole in a process's memory, and the
 * edge needs nothing but NATS. The object's name is the file id; who owns it and what it is travel
 * in the object's metadata. Unlike blobs, files have no TTL: they stay until deleted.
 */

export const FILE_STORE_DEFAULTS = {
  /** Disk cap of the bucket, reserved on the JetStream server when it is created. 0: no cap. */
  maxBucketBytes: 10 * 1024 ** 3,
} as const;

export interface FileStoreOptions {
  maxBucketBytes?: number;
}

/** What the metadata of a stored file says (every value a string on the wire). */
export interface StoredFileMeta {
  /** The key that uploaded it; '' when the edge runs without auth (shared by all anonymous callers). */
  ownerKeyId: string;
  purpose: string;
  filename: string;
  bytes: number;
  /** Unix seconds. */
  createdAt: number;
}

export interface StoredFile extends StoredFileMeta {
  id: string;
}

export const FileStoreFailure = {
  /** The store could not be reached or refused the operation (JetStream down, bucket full). */
  Unavailable: 'unavailable',
} as const;
export type FileStoreFailure = (typeof FileStoreFailure)[keyof typeof FileStoreFailure];

export class FileStoreError extends Error {
  constructor(
    readonly reason: FileStoreFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FileStoreError';
  }
}

const stores = new WeakMap<Bus, Promise<ObjectStore>>();
const settings = new WeakMap<Bus, FileStoreOptions>();

/** The limits this connection creates the bucket with (services pass their configuration at startup). */
export function configureFileStore(bus: Bus, options: FileStoreOptions): void {
  settings.set(bus, options);
}

/**
 * Streams `content` into the store under `id`. The metadata given here is provisional: a file is
 * listed and served only once `completeFile` wrote its purpose and size (an upload whose form sends
 * the purpose after the file learns it only at the end). A failed or aborted stream leaves nothing.
 */
export async function putFileContent(bus: Bus, id: string, content: Readable, meta: Omit<StoredFileMeta, 'purpose' | 'bytes'>): Promise<number> {
  const store = await storeOf(bus);
  try {
    const info = await store.put(
      { name: id, metadata: encodeMeta(meta), options: { max_chunk_size: maxInlinePayload(bus) } },
      Readable.toWeb(content) as ReadableStream<Uint8Array>,
    );
    return info.size;
  } catch (error) {
    // The content's own failure (too large, client gone) is the caller's to explain, not the store's.
    if (content.errored) throw content.errored;
    forget(bus);
    throw unavailable(`could not store file ${id}`, error);
  }
}

/** Writes the final metadata of an uploaded file: from now on it is listed and served. */
export async function completeFile(bus: Bus, file: StoredFile): Promise<void> {
  const store = await storeOf(bus);
  const { id, ...meta } = file;
  try {
    await store.update(id, { name: id, metadata: encodeMeta(meta) });
  } catch (error) {
    forget(bus);
    throw unavailable(`could not complete file ${id}`, error);
  }
}

/** A completed, not deleted file, or null. */
export async function fileInfo(bus: Bus, id: string): Promise<StoredFile | null> {
  const store = await storeOf(bus);
  let info: ObjectInfo | null;
  try {
    info = await store.info(id);
  } catch (error) {
    forget(bus);
    throw unavailable(`could not read file ${id}`, error);
  }
  return info && !info.deleted ? decodeInfo(info) : null;
}

/** Every completed file (listing filters by owner and purpose; the metadata is all that is read). */
export async function listFiles(bus: Bus): Promise<StoredFile[]> {
  const store = await storeOf(bus);
  let infos: ObjectInfo[];
  try {
    infos = await store.list();
  } catch (error) {
    forget(bus);
    throw unavailable('could not list files', error);
  }
  return infos.flatMap((info) => {
    const file = info.deleted ? null : decodeInfo(info);
    return file ? [file] : [];
  });
}

/** The content of a file as a stream of its chunks, or null when there is no such file. */
export async function readFileContent(bus: Bus, id: string): Promise<Readable | null> {
  const store = await storeOf(bus);
  try {
    const result = await store.get(id);
    if (!result) return null;
    const stream = Readable.fromWeb(result.data as NodeReadableStream<Uint8Array>);
    // A digest mismatch or a lost consumer surfaces here, after the last chunk: the reader sees a failed stream.
    void result.error.then((error) => {
      if (error) stream.destroy(error);
    });
    return stream;
  } catch (error) {
    forget(bus);
    throw unavailable(`could not read file ${id}`, error);
  }
}

/** Deletes a file and frees its chunks; deleting one that does not exist is not an error. */
export async function deleteFile(bus: Bus, id: string): Promise<void> {
  const store = await storeOf(bus);
  try {
    await store.delete(id);
  } catch (error) {
    forget(bus);
    throw unavailable(`could not delete file ${id}`, error);
  }
}

/** Removes the bucket and every file in it (tests and tenant teardown). */
export async function deleteFileStore(bus: Bus): Promise<void> {
  forget(bus);
  const manager = new Objm(bus.nc);
  const name = bus.subjects.bucketName('files');
  for await (const status of manager.list()) {
    if (status.bucket !== name) continue;
    await (await manager.open(name)).destroy();
    return;
  }
}

function encodeMeta(meta: Partial<StoredFileMeta>): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [field, value] of Object.entries(meta)) if (value !== undefined) encoded[field] = String(value);
  return encoded;
}

/** A file whose upload has not completed (no purpose yet) does not exist for anyone. */
function decodeInfo(info: ObjectInfo): StoredFile | null {
  const meta = info.metadata ?? {};
  if (!meta.purpose || meta.ownerKeyId === undefined) return null;
  return {
    id: info.name,
    ownerKeyId: meta.ownerKeyId,
    purpose: meta.purpose,
    filename: meta.filename ?? '',
    bytes: Number(meta.bytes ?? info.size),
    createdAt: Number(meta.createdAt ?? Math.floor(Date.parse(info.mtime) / 1000)),
  };
}

function storeOf(bus: Bus): Promise<ObjectStore> {
  let store = stores.get(bus);
  if (!store) {
    store = createStore(bus, settings.get(bus) ?? {});
    stores.set(bus, store);
    const created = store;
    created.catch(() => {
      if (stores.get(bus) === created) forget(bus);
    });
  }
  return store;
}

async function createStore(bus: Bus, options: FileStoreOptions): Promise<ObjectStore> {
  const name = bus.subjects.bucketName('files');
  const capBytes = options.maxBucketBytes ?? FILE_STORE_DEFAULTS.maxBucketBytes;
  try {
    return await new Objm(bus.nc).create(name, { storage: StorageType.File, max_bytes: streamMaxBytes(capBytes) });
  } catch (error) {
    const cause = isStorageExhausted(error) ? new StorageReservationError({ what: `the object store bucket ${name}`, setting: 'FILES_BUCKET_MAX_BYTES', capBytes }, { cause: error }) : error;
    throw unavailable(`could not open the object store bucket ${name}`, cause);
  }
}

/** After a failure the bucket may be gone (deleted, JetStream reset): the next use opens it again. */
function forget(bus: Bus): void {
  stores.delete(bus);
}

function unavailable(what: string, error: unknown): FileStoreError {
  return new FileStoreError(FileStoreFailure.Unavailable, `${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
