import { decodeWith, type KvBucket } from '@corral/bus';
import { apiKeys, models } from '@corral/db';
import { KeyRecord, ModelConfig, modelConfigKey, TeamRecord } from '@corral/protocol';
import type { z } from 'zod';
import type { AccountingContext } from './context.ts';
import { keyRecordFromRow, modelConfigFromRow, teamRecordFromState } from './mappers.ts';
import { withReplicationLock } from './replicate.ts';
import { loadTeams } from './team-state.ts';

export interface ReconcileResult {
  /** Keys, models and teams Postgres holds. */
  keys: number;
  models: number;
  teams: number;
  /** KV entries that were missing or differed, and were put. */
  written: number;
  /** KV entries Postgres no longer has, deleted. */
  removed: number;
}

/**
 * Makes the three buckets equal to Postgres, writing only the differences: every key (revoked and
 * expired ones marked, so edges can say why they refuse them), every model and every team (with the
 * current month's spend, so a new month resets what edges count) is put when its KV
 * entry is missing or differs; entries Postgres no longer has are deleted. Unchanged entries are
 * never rewritten, since every edge re-parses each write it sees.
 *
 * The buckets are read afresh on each pass, streamed through one consumer (about 50 ms for 10 000
 * keys), rather than kept in a local mirror: a mirror is fed by a watch, which sees puts and deletes
 * but not a purge of the underlying stream, so after one it would believe forever that every entry
 * is still there; a fresh read sees what a newly started edge would. The read happens before the
 * replication lock, so key changes wait only for the Postgres read and
 * the repairs; every difference is then confirmed against the entry's current value under the
 * lock before anything is written, so a change made meanwhile by another writer is not repeated.
 * What gets written always comes from Postgres as read under the lock.
 */
export async function reconcile(context: AccountingContext): Promise<ReconcileResult> {
  const [storedKeys, storedModels, storedTeams] = await Promise.all([
    readBucket(context.keys, KeyRecord),
    readBucket(context.models, ModelConfig),
    readBucket(context.teams, TeamRecord),
  ]);
  return withReplicationLock(context.db, async (transaction) => {
    const keyRows = await transaction.select().from(apiKeys);
    const modelRows = await transaction.select().from(models);
    const now = new Date();
    const teamStates = await loadTeams(transaction, { now });
    const wantedKeys = new Map(keyRows.map((row) => [row.keyHash, keyRecordFromRow(row)]));
    const wantedModels = new Map(modelRows.map((row) => [modelConfigKey(row.alias), modelConfigFromRow(row)]));
    const wantedTeams = new Map(teamStates.map((state) => [state.row.id, teamRecordFromState(state, now)]));
    const changes = await Promise.all([
      repair(context.keys, KeyRecord, wantedKeys, storedKeys),
      repair(context.models, ModelConfig, wantedModels, storedModels),
      repair(context.teams, TeamRecord, wantedTeams, storedTeams),
    ]);
    return {
      keys: keyRows.length,
      models: modelRows.length,
      teams: teamStates.length,
      written: changes.reduce((sum, change) => sum + change.written, 0),
      removed: changes.reduce((sum, change) => sum + change.removed, 0),
    };
  });
}

/** Every entry of a bucket, normalised (undefined when unreadable); parsed before the lock is taken, to keep the lock short. */
async function readBucket(bucket: KvBucket, schema: z.ZodType): Promise<Map<string, string | undefined>> {
  const entries = await bucket.entries();
  return new Map([...entries].map(([key, bytes]) => [key, normaliseStored(schema, bytes)]));
}

async function repair<T extends z.ZodType>(
  bucket: KvBucket,
  schema: T,
  wanted: Map<string, z.input<T>>,
  stored: Map<string, string | undefined>,
): Promise<{ written: number; removed: number }> {
  const normalisedWanted = new Map([...wanted].map(([key, value]) => [key, normalise(schema.parse(value))]));
  const suspectPuts = [...normalisedWanted].filter(([key, value]) => stored.get(key) !== value).map(([key]) => key);
  const suspectDeletes = [...stored.keys()].filter((key) => !wanted.has(key));

  const puts = await Promise.all(
    suspectPuts.map(async (key) => {
      if (normaliseStored(schema, await currentValue(bucket, key)) === normalisedWanted.get(key)) return false;
      await bucket.put(key, schema, wanted.get(key)!);
      return true;
    }),
  );
  const deletes = await Promise.all(
    suspectDeletes.map(async (key) => {
      if ((await currentValue(bucket, key)) === undefined) return false;
      await bucket.delete(key);
      return true;
    }),
  );
  return { written: puts.filter(Boolean).length, removed: deletes.filter(Boolean).length };
}

async function currentValue(bucket: KvBucket, key: string): Promise<Uint8Array | undefined> {
  const entry = await bucket.kv.get(key);
  return entry?.operation === 'PUT' ? entry.value : undefined;
}

/** A stored value as the edges read it; one that is missing or fails validation yields undefined, so it gets rewritten. */
function normaliseStored(schema: z.ZodType, bytes: Uint8Array | undefined): string | undefined {
  if (bytes === undefined) return undefined;
  try {
    return normalise(decodeWith(schema, bytes));
  } catch {
    return undefined;
  }
}

/** JSON with object keys sorted at every depth, so two equal values compare equal whatever order their fields were written in. */
function normalise(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)))
      : inner,
  );
}

export interface Reconciler {
  /** Cancels the next pass and waits for one that is running. */
  stop(): Promise<void>;
}

/**
 * Runs `reconcile` every `intervalMs` (undefined when 0: turned off). The next pass is scheduled
 * only when the previous one has ended, so passes never overlap; a failed pass is logged and
 * retried at the next interval. Replicas may all run it: the replication lock serialises them.
 */
export function startReconciler(context: AccountingContext, options: { intervalMs: number }): Reconciler | undefined {
  const { intervalMs } = options;
  if (intervalMs <= 0) return undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const schedule = () => {
    timer = setTimeout(runPass, intervalMs);
    timer.unref();
  };
  const runPass = () => {
    const started = performance.now();
    running = reconcile(context)
      .then(
        (result) => {
          if (result.written + result.removed === 0) return;
          context.logger.info({ ...result, durationMs: Math.round(performance.now() - started) }, `repaired KV drift: ${result.written} written, ${result.removed} removed`);
        },
        (error: unknown) => context.logger.warn({ err: error }, 'KV reconciliation failed; retrying at the next interval'),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) schedule();
      });
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
