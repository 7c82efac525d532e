import 'server-only';
import { listBatchRecords } from '@corral/bus';
import { apiKeys } from '@corral/db';
import { inArray } from 'drizzle-orm';
import type { BatchKey, BatchList } from './batch-view.ts';
import { bus } from './bus.ts';
import { db } from './db.ts';

/** Rows the page shows; the bucket keeps every batch until it is deleted, the page the newest of them. */
export const BATCHES_SHOWN = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The newest batches, read from the `batches` bucket (the edges' own records, so the progress is live), with their keys' names. */
export async function listBatches(): Promise<BatchList> {
  const now = Math.floor(Date.now() / 1000);
  const records = (await listBatchRecords(await bus())).sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  const shown = records.slice(0, BATCHES_SHOWN);
  const keys = await keysById(shown.map((record) => record.keyId));
  return { rows: shown.map((record) => ({ record, key: keys.get(record.keyId) ?? null })), total: records.length, now };
}

/** One query for every key on the page; ids that are not key ids (a batch made without auth has '') are left out. */
async function keysById(ids: string[]): Promise<Map<string, BatchKey>> {
  const wanted = [...new Set(ids.filter((id) => UUID.test(id)))];
  if (wanted.length === 0) return new Map();
  const rows = await db().select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix }).from(apiKeys).where(inArray(apiKeys.id, wanted));
  return new Map(rows.map((row) => [row.id, row]));
}
