import { describe, expect, it } from 'vitest';
import { checkFileForPurpose, checkUploadField, FILE_LIMITS, parsePurpose } from './file-object.ts';
import { listFilePage, parseFileListQuery } from './list-query.ts';

const records = [
  { id: 'file-b', purpose: 'batch', filename: 'b.jsonl', bytes: 2, createdAt: 200 },
  { id: 'file-a', purpose: 'batch', filename: 'a.jsonl', bytes: 1, createdAt: 100 },
  { id: 'file-c', purpose: 'user_data', filename: 'c.txt', bytes: 3, createdAt: 300 },
];

describe('GET /v1/files query and paging', () => {
  it('defaults to every file, newest first', () => {
    const query = parseFileListQuery({});
    expect(query).toEqual({ ok: true, value: { limit: 10_000, order: 'desc' } });
    const page = listFilePage(records, query.ok ? query.value : ({} as never));
    expect(page.data.map((file) => file.id)).toEqual(['file-c', 'file-b', 'file-a']);
    expect(page).toMatchObject({ object: 'list', first_id: 'file-c', last_id: 'file-a', has_more: false });
  });

  it('filters by purpose and pages ascending after a cursor', () => {
    expect(listFilePage(records, { limit: 10, order: 'asc', purpose: 'batch' }).data.map((file) => file.id)).toEqual(['file-a', 'file-b']);
    expect(listFilePage(records, { limit: 1, order: 'asc', after: 'file-a' })).toMatchObject({ data: [{ id: 'file-b' }], has_more: true });
    expect(listFilePage(records, { limit: 5, order: 'asc', after: 'file-unknown' })).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '10001' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ order: 'newest' }, 'order'],
    [{ after: '' }, 'after'],
    [{ purpose: ['a', 'b'] }, 'purpose'],
  ])('refuses %o naming %s', (query, param) => {
    const result = parseFileListQuery(query);
    expect(result.ok ? null : result.error).toMatchObject({ status: 400, param });
  });
});

describe('upload rules', () => {
  it('accepts OpenAI’s purposes and names the parameter otherwise', () => {
    expect(parsePurpose('batch')).toEqual({ ok: true, value: 'batch' });
    expect(parsePurpose(undefined)).toMatchObject({ ok: false, error: { status: 400, param: 'purpose', code: 'missing_required_parameter' } });
    expect(parsePurpose('batch_output')).toMatchObject({ ok: false, error: { status: 400, param: 'purpose' } });
  });

  it('holds batch inputs to .jsonl and 200 MiB, other purposes to the server cap', () => {
    const serverCap = FILE_LIMITS.maxFileBytes;
    expect(checkFileForPurpose('batch', 'in.JSONL', FILE_LIMITS.maxBatchFileBytes, serverCap).ok).toBe(true);
    expect(checkFileForPurpose('batch', 'in.json', 10, serverCap)).toMatchObject({ ok: false, error: { status: 400, param: 'file', code: 'invalid_file_format' } });
    expect(checkFileForPurpose('batch', 'in.jsonl', FILE_LIMITS.maxBatchFileBytes + 1, serverCap)).toMatchObject({ ok: false, error: { status: 413 } });
    expect(checkFileForPurpose('user_data', 'a.bin', FILE_LIMITS.maxBatchFileBytes + 1, serverCap).ok).toBe(true);
    expect(checkFileForPurpose('user_data', 'a.bin', serverCap + 1, serverCap)).toMatchObject({ ok: false, error: { status: 413 } });
  });

  it('refuses expires_after and unknown form fields', () => {
    expect(checkUploadField('purpose').ok).toBe(true);
    expect(checkUploadField('expires_after[anchor]')).toMatchObject({ ok: false, error: { param: 'expires_after', code: 'unsupported_parameter' } });
    expect(checkUploadField('colour')).toMatchObject({ ok: false, error: { status: 400, param: 'colour' } });
  });
});
