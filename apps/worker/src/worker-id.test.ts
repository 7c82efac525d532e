import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveWorkerId, sanitizeWorkerId } from './worker-id.ts';

describe('resolveWorkerId', () => {
  it('keeps a valid configured id', () => {
    expect(resolveWorkerId('gpu-box_1')).toBe('gpu-box_1');
  });

  it('sanitizes characters that cannot appear in a subject token', () => {
    expect(sanitizeWorkerId('gpu.box 1*')).toBe('gpu-box-1');
    expect(sanitizeWorkerId('...')).toBe('worker');
  });

  it('derives hostname plus a random suffix when none is configured', () => {
    const first = resolveWorkerId(undefined);
    const second = resolveWorkerId('');
    expect(first).toMatch(/^[A-Za-z0-9_-]+-[a-z0-9]{6}$/);
    expect(first.startsWith(sanitizeWorkerId(hostname()))).toBe(true);
    expect(first).not.toBe(second);
  });
});
