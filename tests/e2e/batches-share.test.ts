import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFile, uploadBatchFile, waitForBatch } from './batch-helpers.ts';

const CHAT_MODEL = 'llama3.2';
const EMBED_MODEL = 'all-minilm';

/**
 * One worker with four slots and four coalesced embed calls allowed: alone, a batch holds several of
 * them at once; beside a chat user it keeps to BATCH_SHARE_BESIDE_INTERACTIVE of them (a quarter:
 * one), though the user leaves three slots idle.
 */
describe('a batch beside users keeps to its share of the fleet', { timeout: 120_000 }, () => {
  let stack: Stack;
  let databaseUrl: string;
  let client: OpenAI;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2ebatchshare');
    stack = await startStack({
      workers: [{ emulator: { numParallel: 4, embedCallDelayMs: 150, tokenDelayMs: 20 }, env: { WORKER_CAPACITY: '4' } }],
      accounting: { databaseUrl },
      edgeEnv: { BATCH_SHARE_BESIDE_INTERACTIVE: '0.25', BATCH_EMBED_CALLS_PER_WORKER: '4', BATCH_UNIT_LINES: '16', BATCH_SWEEP_INTERVAL_MS: '100' },
    });
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: await stack.createKey('share'), maxRetries: 0 });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  /** Runs both batches to completion: embeddings lines (groups of 256 inputs, one /api/embed call each) and completions lines (one /api/generate job each). */
  async function runBatches(tag: string): Promise<void> {
    const embeddings = Array.from({ length: 1024 }, (_, index) => ({ model: EMBED_MODEL, input: `${tag} text ${index}` }));
    const prompts = Array.from({ length: 24 }, (_, index) => ({ model: CHAT_MODEL, prompt: `${tag} prompt ${index}`, max_tokens: 8 }));
    const ids = await Promise.all([
      uploadBatchFile(client, batchFile('/v1/embeddings', embeddings, tag)).then((file) => client.batches.create({ input_file_id: file, endpoint: '/v1/embeddings', completion_window: '24h' })),
      uploadBatchFile(client, batchFile('/v1/completions', prompts, tag)).then((file) => client.batches.create({ input_file_id: file, endpoint: '/v1/completions', completion_window: '24h' })),
    ]);
    for (const created of ids) {
      const { batch } = await waitForBatch(client, created.id, { timeoutMs: 90_000 });
      expect(batch.status).toBe('completed');
      expect(batch.request_counts!.failed).toBe(0);
    }
  }

  it('holds one call or line at a time while a user chats, and more once the user is gone', async () => {
    const emulator = stack.workers[0]!.emulator;
    let chatting = true;
    let answered = 0;
    const user = (async () => {
      while (chatting) {
        const stream = await client.chat.completions.create({ model: CHAT_MODEL, stream: true, messages: [{ role: 'user', content: `turn ${answered}` }] });
        for await (const chunk of stream) void chunk;
        answered++;
      }
    })();
    while (answered === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    try {
      await runBatches('beside');
    } finally {
      chatting = false;
      await user;
    }
    expect(answered).toBeGreaterThan(1);
    expect(emulator.peakActive('/api/embed')).toBe(1);
    expect(emulator.peakActive('/api/generate')).toBe(1);

    // Users are gone once this edge's last request is a moment old and the worker's heartbeat shows none.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await runBatches('alone');
    expect(emulator.peakActive('/api/embed')).toBeGreaterThan(1);
    expect(emulator.peakActive('/api/generate')).toBeGreaterThan(1);
  });
});
