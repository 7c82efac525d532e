import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type Consumer,
  type JsMsg,
  type MsgRequest,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { nanos } from '@nats-io/nats-core';
import { Objm, type ObjectInfo, type ObjectStore } from '@nats-io/obj';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { BatchControl, BatchRecord, BatchWorkUnit, PROTOCOL_VERSION, type BatchControlOp, type BatchPartSummary } from '@corral/protocol';
import { maxInlinePayload } from './blobs.ts';
import type { Bus } from './bus.ts';
import { decodeWith, encodeJson } from './codec.ts';

/*
 * The durable side of batches (see the protocol's batch module): the `batches` KV bucket holding
 * each batch's record, the work queue of its units and the queue of whole-batch work, both shared
 * by every edge through one durable pull consumer each, and the `batch_parts` object store holding
 * each finished unit's output and error lines until the batch is finalized.
 */

/** The consumers every edge pulls through (one each: a message goes to exactly one edge). */
const WORK_CONSUMER = 'batch-runners';
const CONTROL_CONSUMER = 'batch-control';
/** A repeated unit or control message (an edge that crashed half-way re-enqueues) is dropped within this window. */
const DUPLICATE_WINDOW_MS = 30 * 60 * 1000;

export interface BatchQueueOptions {
  /** How long a pulled unit may run without a sign of life before another edge gets it. Default: 60 s. */
  ackWaitMs?: number;
}

/** Creates (or updates) the two queues, their consumers, the record bucket and the parts store. Idempotent. */
export async function ensureBatchQueues(bus: Bus, options: BatchQueueOptions = {}): Promise<void> {
  const manager = await jetstreamManager(bus.nc);
  const ackWait = nanos(options.ackWaitMs ?? 60_000);
  const queues = [
    { stream: bus.subjects.streamName('batch_work'), subject: bus.subjects.batchWorkWildcard(), consumer: WORK_CONSUMER },
    { stream: bus.subjects.streamName('batch_control'), subject: bus.subjects.batchControlWildcard(), consumer: CONTROL_CONSUMER },
  ];
  for (const queue of queues) {
    const config = {
      name: queue.stream,
      subjects: [queue.subject],
      storage: StorageType.File,
      retention: RetentionPolicy.Workqueue,
      discard: DiscardPolicy.Old,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      num_replicas: 1,
    };
    try {
      await manager.streams.info(queue.stream);
      await manager.streams.update(queue.stream, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await manager.streams.add(config);
    }
    const consumer = {
      durable_name: queue.consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: ackWait,
      // A unit is never given up on: the batch's window, not a delivery count, decides when it stops.
      max_deliver: -1,
      max_ack_pending: 10_000,
    };
    try {
      await manager.consumers.info(queue.stream, queue.consumer);
      await manager.consumers.update(queue.stream, queue.consumer, consumer);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await manager.consumers.add(queue.stream, consumer);
    }
  }
  await recordsOf(bus);
  await partsOf(bus);
}

// ---- records ----------------------------------------------------------------------------------

const records = new WeakMap<Bus, Promise<KV>>();

function recordsOf(bus: Bus): Promise<KV> {
  let kv = records.get(bus);
  if (!kv) {
    kv = new Kvm(bus.nc).create(bus.subjects.bucketName('batches'), { history: 1, storage: StorageType.File });
    records.set(bus, kv);
    kv.catch(() => records.delete(bus));
  }
  return kv;
}

/** Stores a new batch; refuses to overwrite one (ids are random, so that is a bug). */
export async function createBatchRecord(bus: Bus, record: BatchRecord): Promise<void> {
  await (await recordsOf(bus)).create(record.id, encodeJson(BatchRecord.parse(record)));
}

export async function getBatchRecord(bus: Bus, id: string): Promise<BatchRecord | undefined> {
  const entry = await (await recordsOf(bus)).get(id);
  if (!entry || entry.operation !== 'PUT') return undefined;
  return decodeWith(BatchRecord, entry.value);
}

/**
 * Changes a batch with compare-and-set: `change` sees the current record and returns the new one,
 * or null to leave it as it is; on a concurrent write it runs again on the newer record. Resolves
 * with the record as stored, or undefined when there is no such batch.
 */
export async function updateBatchRecord(bus: Bus, id: string, change: (record: BatchRecord) => BatchRecord | null): Promise<BatchRecord | undefined> {
  const kv = await recordsOf(bus);
  for (let attempt = 0; ; attempt++) {
    const entry = await kv.get(id);
    if (!entry || entry.operation !== 'PUT') return undefined;
    const current = decodeWith(BatchRecord, entry.value);
    const next = change(current);
    if (next === null) return current;
    try {
      await kv.update(id, encodeJson(BatchRecord.parse(next)), entry.revision);
      return next;
    } catch (error) {
      if (attempt >= 50 || !isWrongRevision(error)) throw error;
    }
  }
}

export async function deleteBatchRecord(bus: Bus, id: string): Promise<void> {
  await (await recordsOf(bus)).delete(id);
}

/** Records read at once while listing: enough to hide the round trips, few enough not to flood the server. */
const LIST_READS_AT_ONCE = 64;

/**
 * Every batch, in no particular order (the edge keeps a watched copy instead; this is for tools).
 * The bucket's keys are taken from its stream's subjects at one moment, then each record is read as
 * it stands. Not the bucket's history: read as a stream while batches progress, it brought a batch
 * written meanwhile twice and only ended at the consumer's next idle heartbeat (30 s and more).
 */
export async function listBatchRecords(bus: Bus): Promise<BatchRecord[]> {
  const kv = await recordsOf(bus);
  const bucket = bus.subjects.bucketName('batches');
  const subjectPrefix = `$KV.${bucket}.`;
  const info = await (await jetstreamManager(bus.nc)).streams.info(`KV_${bucket}`, { subjects_filter: `${subjectPrefix}>` });
  const ids = Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(subjectPrefix.length));
  const found: BatchRecord[] = [];
  for (let start = 0; start < ids.length; start += LIST_READS_AT_ONCE) {
    const entries = await Promise.all(ids.slice(start, start + LIST_READS_AT_ONCE).map((id) => kv.get(id)));
    for (const entry of entries) {
      // Deleted since the subjects were read, or a delete marker: not a batch.
      if (!entry || entry.operation !== 'PUT') continue;
      const parsed = BatchRecord.safeParse(JSON.parse(new TextDecoder().decode(entry.value)));
      if (parsed.success) found.push(parsed.data);
    }
  }
  return found;
}

// ---- queues -----------------------------------------------------------------------------------

/** Enqueues one unit; enqueuing the same unit again (after a crash) is dropped by the server. */
export async function enqueueBatchUnit(bus: Bus, unit: BatchWorkUnit): Promise<void> {
  await jetstream(bus.nc).publish(bus.subjects.batchWork(unit.batchId), encodeJson(BatchWorkUnit.parse(unit)), { msgID: `${unit.batchId}.${unit.unit}` });
}

/** Asks for whole-batch work; the same request for the same batch within the window is dropped. */
export async function enqueueBatchControl(bus: Bus, batchId: string, op: BatchControlOp): Promise<void> {
  const message: BatchControl = { v: PROTOCOL_VERSION, batchId, op };
  await jetstream(bus.nc).publish(bus.subjects.batchControl(batchId), encodeJson(message), { msgID: `${op}.${batchId}` });
}

/**
 * Whether units of the batch are still unacknowledged (queued or running); false once every unit has
 * its results. A work queue deletes what was acknowledged, so any message left on the batch's subject
 * is pending work. (Asked as "the first message on the subject": the per-subject counts of stream
 * info and its last-message lookup go stale on nats-server 2.9 once a work queue deleted messages out
 * of order. A batch that was not cancelled is checked against its parts as well: see the sweeper.)
 */
export async function hasPendingBatchUnits(bus: Bus, batchId: string): Promise<boolean> {
  const manager = await jetstreamManager(bus.nc);
  try {
    // The server's message get takes `next_by_subj` (since 2.9); nats.js types it for direct gets only.
    const firstOnSubject = { seq: 0, next_by_subj: bus.subjects.batchWork(batchId) } as unknown as MsgRequest;
    const message = await manager.streams.getMessage(bus.subjects.streamName('batch_work'), firstOnSubject);
    return message !== null;
  } catch (error) {
    if (isNotFound(error) || isNoMessage(error)) return false;
    throw error;
  }
}

export interface BatchPuller<T> {
  /** One bounded pull: up to `max` messages, within `expiresMs`. */
  fetch(max: number, expiresMs?: number): Promise<AsyncIterable<JsMsg>>;
  decode(msg: JsMsg): T;
}

async function puller<T>(bus: Bus, stream: string, consumerName: string, decode: (msg: JsMsg) => T): Promise<BatchPuller<T>> {
  const consumer: Consumer = await jetstream(bus.nc).consumers.get(stream, consumerName);
  return {
    fetch: (max, expiresMs = 2000) => consumer.fetch({ max_messages: max, expires: Math.max(1000, expiresMs) }),
    decode,
  };
}

export function openBatchWorkPuller(bus: Bus): Promise<BatchPuller<BatchWorkUnit>> {
  return puller(bus, bus.subjects.streamName('batch_work'), WORK_CONSUMER, (msg) => decodeWith(BatchWorkUnit, msg.data));
}

export function openBatchControlPuller(bus: Bus): Promise<BatchPuller<BatchControl>> {
  return puller(bus, bus.subjects.streamName('batch_control'), CONTROL_CONSUMER, (msg) => decodeWith(BatchControl, msg.data));
}

// ---- parts ------------------------------------------------------------------------------------

const parts = new WeakMap<Bus, Promise<ObjectStore>>();

function partsOf(bus: Bus): Promise<ObjectStore> {
  let store = parts.get(bus);
  if (!store) {
    store = new Objm(bus.nc).create(bus.subjects.bucketName('batch_parts'), { storage: StorageType.File });
    parts.set(bus, store);
    store.catch(() => parts.delete(bus));
  }
  return store;
}

export type BatchPartKind = 'output' | 'errors';

function partName(batchId: string, unit: number, kind: BatchPartKind): string {
  return `${batchId}.${String(unit).padStart(6, '0')}.${kind}`;
}

/**
 * Stores a finished unit: its error lines first, then its output lines with the unit's summary in
 * the metadata. The output object is the unit's "done" mark, so it is written last; writing a unit
 * again replaces it (a unit run twice after a crash still has one set of lines).
 */
export async function putBatchPart(bus: Bus, batchId: string, unit: number, lines: { output: string; errors: string }, summary: BatchPartSummary): Promise<void> {
  const store = await partsOf(bus);
  const chunk = { max_chunk_size: maxInlinePayload(bus) };
  if (lines.errors !== '') await store.putBlob({ name: partName(batchId, unit, 'errors'), options: chunk }, new TextEncoder().encode(lines.errors));
  const metadata = Object.fromEntries(Object.entries(summary).map(([field, value]) => [field, String(value)]));
  await store.putBlob({ name: partName(batchId, unit, 'output'), metadata, options: chunk }, new TextEncoder().encode(lines.output));
}

/** Whether the unit's results are stored already. */
export async function hasBatchPart(bus: Bus, batchId: string, unit: number): Promise<boolean> {
  const info = await (await partsOf(bus)).info(partName(batchId, unit, 'output'));
  return info !== null && !info.deleted;
}

export interface BatchPartEntry {
  unit: number;
  summary: BatchPartSummary;
  /** Whether the unit has error lines too. */
  hasErrors: boolean;
}

/** The batch's finished units, in unit order, with their summaries. */
export async function listBatchParts(bus: Bus, batchId: string): Promise<BatchPartEntry[]> {
  const infos = await (await partsOf(bus)).list();
  const prefix = `${batchId}.`;
  const byUnit = new Map<number, { output?: ObjectInfo; errors?: ObjectInfo }>();
  for (const info of infos) {
    if (info.deleted || !info.name.startsWith(prefix)) continue;
    const [, unitText, kind] = info.name.split('.');
    const unit = Number(unitText);
    const entry = byUnit.get(unit) ?? {};
    if (kind === 'output') entry.output = info;
    else if (kind === 'errors') entry.errors = info;
    byUnit.set(unit, entry);
  }
  const entries: BatchPartEntry[] = [];
  for (const [unit, { output, errors }] of byUnit) {
    if (!output) continue;
    const meta = output.metadata ?? {};
    const summary: BatchPartSummary = {
      completed: Number(meta.completed ?? 0),
      failed: Number(meta.failed ?? 0),
      inputTokens: Number(meta.inputTokens ?? 0),
      outputTokens: Number(meta.outputTokens ?? 0),
    };
    entries.push({ unit, summary, hasErrors: errors !== undefined && errors.size > 0 });
  }
  return entries.sort((a, b) => a.unit - b.unit);
}

/** One part's lines as a stream of chunks (a part is at most a few megabytes). */
export async function readBatchPart(bus: Bus, batchId: string, unit: number, kind: BatchPartKind): Promise<Readable> {
  const result = await (await partsOf(bus)).get(partName(batchId, unit, kind));
  if (!result) return Readable.from([]);
  const stream = Readable.fromWeb(result.data as NodeReadableStream<Uint8Array>);
  void result.error.then((error) => {
    if (error) stream.destroy(error);
  });
  return stream;
}

/** Frees the parts of a finalized batch. */
export async function deleteBatchParts(bus: Bus, batchId: string): Promise<void> {
  const store = await partsOf(bus);
  const prefix = `${batchId}.`;
  for (const info of await store.list()) {
    if (!info.deleted && info.name.startsWith(prefix)) await store.delete(info.name);
  }
}

// ---- teardown ---------------------------------------------------------------------------------

/** Removes every batch stream, bucket and store of the prefix (tests and tenant teardown). */
export async function deleteBatchStores(bus: Bus): Promise<void> {
  records.delete(bus);
  parts.delete(bus);
  const manager = await jetstreamManager(bus.nc);
  for (const name of [bus.subjects.streamName('batch_work'), bus.subjects.streamName('batch_control')]) {
    try {
      await manager.streams.delete(name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const kvName = bus.subjects.bucketName('batches');
  for await (const status of new Kvm(bus.nc).list()) {
    if (status.bucket === kvName) await (await new Kvm(bus.nc).open(kvName)).destroy();
  }
  const objName = bus.subjects.bucketName('batch_parts');
  for await (const status of new Objm(bus.nc).list()) {
    if (status.bucket === objName) await (await new Objm(bus.nc).open(objName)).destroy();
  }
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof JetStreamApiError)) return false;
  return error.code === JetStreamApiCodes.StreamNotFound || error.code === JetStreamApiCodes.ConsumerNotFound || error.status === 404;
}

function isNoMessage(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.code === JetStreamApiCodes.NoMessageFound || error.status === 404);
}

function isWrongRevision(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /wrong last sequence|10071/i.test(text) || (error instanceof JetStreamApiError && error.code === 10071);
}

// ---- cancel -------------------------------------------------------------------------------------

/**
 * Cancels a batch: it turns `cancelling` at once and the edges stop starting its lines (they watch
 * the records); it becomes `cancelled` once the lines already running are done and the partial
 * output is written. Its queued units stay in the queue, and runners acknowledge them without
 * running them: a purge would also drop the units being run (a work queue cannot tell them apart),
 * and the sweeper, finding none left, would finalize the batch while their parts were still being
 * stored. A batch already finished, failed or being cancelled is left as it is. Resolves with the
 * record as it now is, or undefined when there is none.
 */
export async function cancelBatch(bus: Bus, id: string, now: number = Date.now()): Promise<BatchRecord | undefined> {
  const seconds = Math.floor(now / 1000);
  const record = await updateBatchRecord(bus, id, (current) => {
    if (current.stop !== null || ['failed', 'completed', 'expired', 'cancelling', 'cancelled'].includes(current.status)) return null;
    return { ...current, status: 'cancelling', stop: 'cancelled', cancellingAt: seconds };
  });
  return record;
}
