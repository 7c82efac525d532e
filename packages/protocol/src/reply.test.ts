import { describe, expect, it } from 'vitest';
import { encodeRawChunk } from './job-stream/encode.ts';
import { WorkerReply } from './reply.ts';

const usage = { promptTokens: 5, completionTokens: 0 };
const final = { v: 1, type: 'final', requestId: 'req-1', seq: 3, usage, workerId: 'w1' } as const;
const data = { model: 'all-minilm:latest', embeddings: [[0.1, 0.2]] };

describe('WorkerReply', () => {
  it('accepts a final with its data inline', () => {
    expect(WorkerReply.parse({ ...final, data })).toEqual({ ...final, data });
  });

  it('accepts a final whose data is held in a blob, usage still inline', () => {
    const parsed = WorkerReply.parse({ ...final, dataRef: 'req-1.w1.data' });
    expect(parsed).toEqual({ ...final, dataRef: 'req-1.w1.data' });
    expect(parsed.type === 'final' && parsed.usage).toEqual(usage);
  });

  it.each([
    ['neither data nor dataRef', {}],
    ['both data and dataRef', { data, dataRef: 'req-1.w1.data' }],
    ['an empty dataRef', { dataRef: '' }],
    ['data that is not an object', { data: [1, 2] }],
  ])('refuses a final with %s', (_case, fields) => {
    expect(WorkerReply.safeParse({ ...final, ...fields }).success).toBe(false);
  });

  it('refuses a final by reference without usage', () => {
    const { usage: _usage, ...withoutUsage } = final;
    expect(WorkerReply.safeParse({ ...withoutUsage, dataRef: 'req-1.w1.data' }).success).toBe(false);
  });

  it('still tells the other replies apart by type', () => {
    const chunk = WorkerReply.parse(JSON.parse(encodeRawChunk('req-1', 0, '{"done":false}')));
    expect(chunk).toEqual({ v: 1, type: 'chunk', requestId: 'req-1', seq: 0, data: { done: false } });
    expect(WorkerReply.parse({ v: 1, type: 'keepalive', requestId: 'req-1', seq: 1 }).type).toBe('keepalive');
    expect(WorkerReply.safeParse({ v: 1, type: 'unknown', requestId: 'req-1' }).success).toBe(false);
  });
});
