import { describe, expect, it } from 'vitest';
import { assertOpenAPI } from '../testing/index.ts';
import { listBatchPage, parseBatchListQuery, type BatchList, type BatchListQuery } from './list-query.ts';
import { batchRecord } from './fixtures/batch-records.ts';

/** Five batches, newest first: batch_e (created last) … batch_a; batch_c and batch_b share a second. */
const records = [
  batchRecord({ id: 'batch_e', createdAt: 500 }),
  batchRecord({ id: 'batch_d', createdAt: 400 }),
  batchRecord({ id: 'batch_c', createdAt: 300 }),
  batchRecord({ id: 'batch_b', createdAt: 300 }),
  batchRecord({ id: 'batch_a', createdAt: 100 }),
];

const ids = (page: BatchList) => page.data.map((batch) => batch.id);

function query(raw: Record<string, unknown>): BatchListQuery {
  const parsed = parseBatchListQuery(raw);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

/** The document types first_id and last_id as strings; the schema check is for pages that have them. */
function assertListSchema(page: BatchList): void {
  assertOpenAPI('ListBatchesResponse', {
    ...page,
    data: page.data.map((batch) => Object.fromEntries(Object.entries(batch).filter(([, value]) => value !== null))),
  });
}

describe('GET /v1/batches query', () => {
  it('defaults to 20 batches from the newest', () => {
    expect(parseBatchListQuery({})).toEqual({ ok: true, value: { limit: 20 } });
  });

  it.each([
    [{ limit: '1' }, { limit: 1 }],
    [{ limit: '100' }, { limit: 100 }],
    [{ limit: '007' }, { limit: 7 }],
    [{ after: 'batch_abc', limit: '2' }, { after: 'batch_abc', limit: 2 }],
  ])('reads %o', (raw, expected) => {
    expect(parseBatchListQuery(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: '1000' }, 'limit'],
    [{ limit: '-1' }, 'limit'],
    [{ limit: '2.5' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ limit: '' }, 'limit'],
    [{ limit: ['1', '2'] }, 'limit'],
    [{ after: '' }, 'after'],
    [{ after: ['batch_a', 'batch_b'] }, 'after'],
  ])('refuses %o naming %s', (raw, param) => {
    expect(parseBatchListQuery(raw)).toEqual({ ok: false, error: expect.objectContaining({ status: 400, type: 'invalid_request_error', param, code: 'invalid_value' }) });
  });
});

describe('listBatchPage', () => {
  it('pages from the newest, telling whether more follow', () => {
    const first = listBatchPage(records, query({ limit: '2' }));
    expect(ids(first)).toEqual(['batch_e', 'batch_d']);
    expect(first).toMatchObject({ object: 'list', first_id: 'batch_e', last_id: 'batch_d', has_more: true });
    expect(first.data[0]).toMatchObject({ object: 'batch', id: 'batch_e', created_at: 500 });
    assertListSchema(first);
  });

  it('walks every batch once, after cursor after cursor, ties included', () => {
    const seen: string[] = [];
    let page = listBatchPage(records, query({ limit: '2' }));
    seen.push(...ids(page));
    while (page.has_more) {
      page = listBatchPage(records, query({ limit: '2', after: page.last_id }));
      seen.push(...ids(page));
    }
    expect(seen).toEqual(['batch_e', 'batch_d', 'batch_c', 'batch_b', 'batch_a']);
    expect(page).toMatchObject({ first_id: 'batch_a', last_id: 'batch_a', has_more: false });
  });

  it('orders the records itself, whatever order they come in', () => {
    const shuffled = [records[3]!, records[0]!, records[4]!, records[2]!, records[1]!];
    expect(ids(listBatchPage(shuffled, query({})))).toEqual(['batch_e', 'batch_d', 'batch_c', 'batch_b', 'batch_a']);
  });

  it('says no more follow when the page ends exactly at the last batch', () => {
    expect(listBatchPage(records, query({ limit: '5' }))).toMatchObject({ has_more: false, last_id: 'batch_a' });
    expect(listBatchPage(records, query({ limit: '4' }))).toMatchObject({ has_more: true, last_id: 'batch_b' });
    expect(listBatchPage(records, query({ limit: '100' })).data).toHaveLength(5);
  });

  it('answers an empty page after the last batch, after an unknown id, and for no batches', () => {
    const empty = { object: 'list', data: [], first_id: null, last_id: null, has_more: false };
    expect(listBatchPage(records, query({ after: 'batch_a' }))).toEqual(empty);
    expect(listBatchPage(records, query({ after: 'batch_unknown' }))).toEqual(empty);
    expect(listBatchPage([], query({}))).toEqual(empty);
  });
});
