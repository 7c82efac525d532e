import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import { delay, type QueuedIterator } from '@nats-io/nats-core';
import type { z } from 'zod';
import type { Bus } from './bus.ts';
import { decodeWith, encodeJson } from './codec.ts';
import { retryBackoff } from './retry.ts';

export type KvBucketName = 'keys' | 'models' | 'teams' | 'batches';

export interface KvBucket {
  readonly name: string;
  readonly kv: KV;
  /** Validates and stores one JSON value; resolves with the entry's revision once stored. */
  put<T extends z.ZodType>(key: string, schema: T, value: z.input<T>): Promise<number>;
  /** Soft delete: watchers see a delete, and a later get finds nothing. */
  delete(key: string): Promise<void>;
  get<T extends z.ZodType>(key: string, schema: T): Promise<z.infer<T> | undefined>;
  /** Keys that currently hold a value. */
  keys(): Promise<string[]>;
  /**
   * Every key that holds a value, with its raw bytes, read through one consumer streaming the
   * bucket (no request per key), so a whole bucket can be compared against its source cheaply.
   */
  entries(): Promise<Map<string, Uint8Array>>;
}

/** Opens a config bucket, creating it when missing. Only the latest value of a key is kept. */
export async function openKv(bus: Bus, bucket: KvBucketName): Promise<KvBucket> {
  const name = bus.subjects.bucketName(bucket);
  const kv = await new Kvm(bus.nc).create(name, { history: 1 });
  return {
    name,
    kv,
    async put(key, schema, value) {
      return kv.put(key, encodeJson(schema.parse(value)));
    },
    async delete(key) {
      await kv.delete(key);
    },
    async get(key, schema) {
      const entry = await kv.get(key);
      if (!entry || entry.operation !== 'PUT') return undefined;
      return decodeWith(schema, entry.value);
    },
    async keys() {
      const keys: string[] = [];
      for await (const key of await kv.keys()) keys.push(key);
      return keys;
    },
    async entries() {
      // Revisions arrive in stream order, so the last one seen for a key is its current state.
      const entries = new Map<string, Uint8Array>();
      for await (const entry of await kv.history()) {
        if (entry.operation === 'PUT') entries.set(entry.key, entry.value);
        else entries.delete(entry.key);
      }
      return entries;
    },
  };
}

/** Removes a bucket and everything in it (tests and tenant teardown). */
export async function deleteKv(bus: Bus, bucket: KvBucketName): Promise<void> {
  const manager = new Kvm(bus.nc);
  for await (const status of manager.list()) {
    if (status.bucket === bus.subjects.bucketName(bucket)) {
      await (await manager.open(status.bucket)).destroy();
      return;
    }
  }
}

export interface WatchKvHandlers<T> {
  /** A value was put (`value`) or deleted (`null`). Called for every current key first, then live. */
  onChange(key: string, value: T | null): void;
  /** Every value present when the watch started has been delivered. */
  onReady?(): void;
  /** A stored value failed validation; it is treated as absent. */
  onInvalid?(key: string, error: unknown): void;
}

export interface KvWatch {
  /** Resolves with onReady. */
  readonly ready: Promise<void>;
  stop(): void;
}

/**
 * Mirrors a bucket into memory: the current values, then every change as it happens, deletes
 * included. After a reconnect the watch starts again from the last revision it applied: the
 * client's ordered consumer would resume by itself only while the server still holds that
 * consumer, and notices one that is gone (dropped for inactivity during a long disconnect, or
 * lost by the server) only after missing heartbeats for about a minute and a half.
 */
export async function watchKv<T extends z.ZodType>(bus: Bus, bucket: KvBucketName, schema: T, handlers: WatchKvHandlers<z.infer<T>>): Promise<KvWatch> {
  const { kv } = await openKv(bus, bucket);
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  let isReady = false;
  const becomeReady = () => {
    if (isReady) return;
    isReady = true;
    handlers.onReady?.();
    markReady();
  };

  /** The bucket revision (stream sequence) of the last entry applied. */
  let lastRevision = 0;
  const apply = (entry: KvWatchEntry) => {
    // A resumed watch may overlap the one it replaces: each revision counts once, in order.
    if (entry.revision <= lastRevision) return;
    lastRevision = entry.revision;
    if (entry.operation === 'PUT') {
      let value: z.infer<T> | null = null;
      try {
        value = decodeWith(schema, entry.value);
      } catch (error) {
        handlers.onInvalid?.(entry.key, error);
      }
      handlers.onChange(entry.key, value);
    } else {
      handlers.onChange(entry.key, null);
    }
    // `delta` counts entries still to come from the initial snapshot.
    if (entry.delta === 0) becomeReady();
  };
  const follow = (entries: QueuedIterator<KvWatchEntry>) => {
    void (async () => {
      for await (const entry of entries) apply(entry);
    })().catch(() => {
      // The iterator only fails when the connection closes; the owner closes the watch then too.
    });
  };

  let iterator = await kv.watch();
  follow(iterator);
  let stopped = false;

  let resuming = false;
  const resume = async () => {
    if (resuming) return;
    resuming = true;
    try {
      for (let attempt = 0; !stopped && bus.isConnected(); attempt++) {
        try {
          const resumed = await kv.watch(lastRevision > 0 ? { resumeFromRevision: lastRevision + 1 } : {});
          if (stopped) {
            resumed.stop();
            return;
          }
          iterator.stop();
          iterator = resumed;
          follow(resumed);
          return;
        } catch {
          // JetStream may need a moment after a server restart; the next reconnect tries again anyway.
          await delay(retryBackoff.backoff(attempt));
        }
      }
    } finally {
      resuming = false;
    }
  };
  const stopResuming = bus.onReconnect(() => void resume());

  // An empty bucket delivers nothing, so there is no last entry to wait for.
  const checkEmpty = async () => {
    while (!isReady && !stopped) {
      const status = await kv.status().catch(() => undefined);
      if (status && status.values === 0) becomeReady();
      if (!isReady) await delay(250);
    }
  };
  void checkEmpty();

  return {
    ready,
    stop: () => {
      stopped = true;
      stopResuming();
      iterator.stop();
    },
  };
}

export interface KvMirror {
  /** Resolves once every value present at start has been delivered. */
  readonly ready: Promise<void>;
  stop(): void;
}

/**
 * A watch that may be stopped before it has even started: what an in-memory mirror of a bucket
 * (the edge's key and model tables) needs.
 */
export function mirrorKv<T extends z.ZodType>(bus: Bus, bucket: KvBucketName, schema: T, handlers: WatchKvHandlers<z.infer<T>>): KvMirror {
  let watch: KvWatch | undefined;
  let stopped = false;
  const ready = watchKv(bus, bucket, schema, handlers).then(async (started) => {
    watch = started;
    if (stopped) started.stop();
    await started.ready;
  });
  return {
    ready,
    stop() {
      stopped = true;
      watch?.stop();
    },
  };
}
