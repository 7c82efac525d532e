import { describe, expect, it } from 'vitest';
import { Job } from './job.ts';
import { createSubjects } from './subjects.ts';

const envelope = { v: 1, requestId: 'req-1', kind: 'chat', model: 'llama3.2:latest' } as const;
const body = { model: 'llama3.2:latest', messages: [{ role: 'user', content: 'hi' }] };

describe('Job', () => {
  it('accepts an inline body', () => {
    expect(Job.parse({ ...envelope, body })).toEqual({ ...envelope, body });
  });

  it('accepts a body held in a blob, by name', () => {
    expect(Job.parse({ ...envelope, bodyRef: 'req-1.body' })).toEqual({ ...envelope, bodyRef: 'req-1.body' });
  });

  it.each([
    ['neither body nor bodyRef', {}],
    ['both body and bodyRef', { body, bodyRef: 'req-1.body' }],
    ['an empty bodyRef', { bodyRef: '' }],
    ['a bodyRef that is not a string', { bodyRef: 42 }],
    ['a body that is not an object', { body: 'text' }],
  ])('refuses %s', (_case, fields) => {
    expect(Job.safeParse({ ...envelope, ...fields }).success).toBe(false);
  });

  it('still accepts a version 1 job written before bodyRef existed, with its optional fields', () => {
    const old = { ...envelope, body, deadline: 1_700_000_000_000, keyId: 'key-1', traceparent: '00-abc-def-01' };
    expect(Job.parse(old)).toEqual(old);
  });
});

describe('bucket names', () => {
  it('names the blobs bucket under the prefix, beside the config buckets', () => {
    const subjects = createSubjects('tenant-a');
    expect(subjects.bucketName('blobs')).toBe('tenant-a_blobs');
    expect(subjects.bucketName('keys')).toBe('tenant-a_keys');
  });
});
