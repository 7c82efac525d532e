import { describe, expect, it } from 'vitest';
import { startEmulator } from './emulator.ts';
import { postJson } from '../testing/index.ts';

describe('the request log', () => {
  it('keeps only the newest requestLogLimit requests, so long runs stay bounded', async () => {
    const emulator = await startEmulator({ requestLogLimit: 3 });
    try {
      for (const input of ['one', 'two', 'three', 'four', 'five']) await postJson(`${emulator.url}/api/embed`, { model: 'all-minilm', input });
      expect(emulator.requests().map((request) => (request.body as { input: string }).input)).toEqual(['three', 'four', 'five']);
      expect(emulator.requests().map((request) => request.id)).toEqual([3, 4, 5]);
    } finally {
      await emulator.close();
    }
  });

  it('remembers the most requests to one path in flight at once', async () => {
    // Each call holds the GPU 50 ms: the three sent together are in flight at once.
    const emulator = await startEmulator({ numParallel: 4, embedCallDelayMs: 50 });
    try {
      const body = { model: 'all-minilm', input: 'x' };
      await Promise.all([postJson(`${emulator.url}/api/embed`, body), postJson(`${emulator.url}/api/embed`, body), postJson(`${emulator.url}/api/embed`, body)]);
      await postJson(`${emulator.url}/api/embed`, body);
      expect(emulator.peakActive('/api/embed')).toBe(3);
      expect(emulator.peakActive('/api/chat')).toBe(0);
      expect(emulator.active()).toBe(0);
    } finally {
      await emulator.close();
    }
  });
});
