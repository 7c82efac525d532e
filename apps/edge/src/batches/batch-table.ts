import { mirrorKv, type Bus, type KvMirror } from '@corral/bus';
import { BatchRecord } from '@corral/protocol';

export type BatchChangeListener = (record: BatchRecord) => void;

/**
 * The edge's copy of the `batches` bucket, kept current by a KV watch: retrieving and listing a
 * key's batches costs no round trip, and a cancel reaches every edge's runner within milliseconds.
 */
export class BatchTable {
  private readonly records = new Map<string, BatchRecord>();
  private readonly listeners = new Set<BatchChangeListener>();
  private readonly mirror: KvMirror;

  constructor(bus: Bus, onInvalid?: (id: string) => void) {
    this.mirror = mirrorKv(bus, 'batches', BatchRecord, {
      onChange: (id, record) => {
        if (!record) {
          this.records.delete(id);
          return;
        }
        this.records.set(id, record);
        for (const listener of this.listeners) listener(record);
      },
      ...(onInvalid ? { onInvalid } : {}),
    });
  }

  get ready(): Promise<void> {
    return this.mirror.ready;
  }

  get(id: string): BatchRecord | undefined {
    return this.records.get(id);
  }

  /** Keeps the copy ahead of the watch after this edge wrote a record itself (read-your-writes). */
  remember(record: BatchRecord): void {
    const known = this.records.get(record.id);
    this.records.set(record.id, known && newer(known, record) ? known : record);
  }

  /** A key's batches, newest first. */
  ofKey(keyId: string): BatchRecord[] {
    return [...this.records.values()].filter((record) => record.keyId === keyId).sort(newestFirst);
  }

  all(): BatchRecord[] {
    return [...this.records.values()];
  }

  onChange(listener: BatchChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.mirror.stop();
  }
}

function newestFirst(a: BatchRecord, b: BatchRecord): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Whether `a` is further along than `b` (the watch may deliver an older state after our own write). */
function newer(a: BatchRecord, b: BatchRecord): boolean {
  return a.unitsDone > b.unitsDone || (a.status !== b.status && rank(a.status) > rank(b.status));
}

function rank(status: BatchRecord['status']): number {
  return ['validating', 'in_progress', 'cancelling', 'finalizing', 'failed', 'completed', 'expired', 'cancelled'].indexOf(status);
}
