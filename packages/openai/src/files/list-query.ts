import { failure, invalidValue, ok, type Result } from '../errors.ts';
import { excerpt } from '../shared/excerpt.ts';
import { toOpenAIFile, type FileRecord, type OpenAIFile } from './file-object.ts';

/** The query of GET /v1/files, as OpenAI's `listFiles` defines it. */
export interface FileListQuery {
  purpose?: string;
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
}

const MAX_LIMIT = 10_000;

export interface FileList {
  object: 'list';
  data: OpenAIFile[];
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

export function parseFileListQuery(query: Record<string, unknown>): Result<FileListQuery> {
  const limit = single(query, 'limit');
  if (!limit.ok) return limit;
  let limitValue = MAX_LIMIT;
  if (limit.value !== undefined) {
    limitValue = /^\d{1,5}$/.test(limit.value) ? Number(limit.value) : Number.NaN;
    if (!(limitValue >= 1 && limitValue <= MAX_LIMIT)) return failure(invalidValue('limit', `expected an integer from 1 to ${MAX_LIMIT}, got '${excerpt(limit.value)}'.`));
  }
  const order = single(query, 'order');
  if (!order.ok) return order;
  if (order.value !== undefined && order.value !== 'asc' && order.value !== 'desc') return failure(invalidValue('order', `expected 'asc' or 'desc', got '${excerpt(order.value)}'.`));
  const after = single(query, 'after');
  if (!after.ok) return after;
  if (after.value === '') return failure(invalidValue('after', 'expected a file id, got an empty value.'));
  const purpose = single(query, 'purpose');
  if (!purpose.ok) return purpose;
  return ok({
    limit: limitValue,
    order: order.value ?? 'desc',
    ...(after.value !== undefined ? { after: after.value } : {}),
    ...(purpose.value !== undefined && purpose.value !== '' ? { purpose: purpose.value } : {}),
  });
}

/**
 * One page of the caller's files, by `created_at` (ties by id, so pages never overlap). An `after`
 * that names none of them starts nowhere: an empty page, as a cursor past the end would.
 */
export function listFilePage(records: readonly FileRecord[], query: FileListQuery): FileList {
  const direction = query.order === 'asc' ? 1 : -1;
  const ordered = records
    .filter((record) => query.purpose === undefined || record.purpose === query.purpose)
    .sort((a, b) => direction * (a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  let start = 0;
  if (query.after !== undefined) {
    const index = ordered.findIndex((record) => record.id === query.after);
    start = index === -1 ? ordered.length : index + 1;
  }
  const data = ordered.slice(start, start + query.limit).map(toOpenAIFile);
  return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + data.length < ordered.length };
}
