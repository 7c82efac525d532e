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
});
