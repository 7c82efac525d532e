import type { BatchRecord } from '@corral/protocol';
import { failure, invalidValue, ok, type Result } from '../errors.ts';
import { excerpt } from '../shared/excerpt.ts';
import { toOpenAIBatch, type OpenAIBatch } from './batch-object.ts';

/** The query of GET /v1/batches, as OpenAI's `listBatches` defines it. */
export interface BatchListQuery {
  limit: number;
  after?: string;
}

export const BATCH_LIST_LIMITS = { defaultLimit: 20, maxLimit: 100 } as const;

/** OpenAI's `ListBatchesResponse` (first and last id null on an empty page, as OpenAI answers). */
export interface BatchList {
  object: 'list';
  data: OpenAIBatch[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

function single(query: Record<string, unknown>, param: string): Result<string | undefined> {
  const value = query[param];
  if (value === undefined) return ok(undefined);
  if (typeof value !== 'string') return failure(invalidValue(param, 'expected a single value.'));
  return ok(value);
}

export function parseBatchListQuery(query: Record<string, unknown>): Result<BatchListQuery> {
  const limit = single(query, 'limit');
  if (!limit.ok) return limit;
  let limitValue: number = BATCH_LIST_LIMITS.defaultLimit;
  if (limit.value !== undefined) {
    limitValue = /^\d{1,3}$/.test(limit.value) ? Number(limit.value) : Number.NaN;
    if (!(limitValue >= 1 && limitValue <= BATCH_LIST_LIMITS.maxLimit)) {
      return failure(invalidValue('limit', `expected an integer from 1 to ${BATCH_LIST_LIMITS.maxLimit}, got '${excerpt(limit.value)}'.`));
    }
  }
  const after = single(query, 'after');
  if (!after.ok) return after;
  if (after.value === '') return failure(invalidValue('after', 'expected a batch id, got an empty value.'));
  return ok({ limit: limitValue, ...(after.value !== undefined ? { after: after.value } : {}) });
}

/**
 * One page of the caller's batches, newest first (ties by id, so pages never overlap), whatever
 * order the records come in. An `after` that names none of them starts nowhere: an empty page, as
 * a cursor past the end would.
 */
export function listBatchPage(records: readonly BatchRecord[], query: BatchListQuery): BatchList {
  const ordered = [...records].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  let start = 0;
  if (query.after !== undefined) {
    const index = ordered.findIndex((record) => record.id === query.after);
    start = index === -1 ? ordered.length : index + 1;
  }
  const data = ordered.slice(start, start + query.limit).map(toOpenAIBatch);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + data.length < ordered.length };
}
