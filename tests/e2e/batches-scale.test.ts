import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFile, customIdsOnce, readOutput, uploadBatchFile, waitForBatch } from './batch-helpers.ts';

const CHAT_MODEL = 'llama3.2';
const EMBED_MODEL = 'all-minilm';
const LINES = 50_000;
/** 50 000 usage events are ~33 MB: the usage stream gets room for them (the default test cap is 32 MB). */
const USAGE_ROOM = { USAGE_STREAM_MAX_BYTES: String(128 * 1024 ** 2) };

/**
 * The "done": a user uploads a 50 000-line embeddings file with the openai SDK, watches the
 * progress, and downloads a complete output while chat users on the same fleet are served as usual.
 */
describe('a 50 000-line embeddings batch beside interactive chat', { timeout: 600_000 }, () => {
  let stack: Stack;
  let databaseUrl: string;
  let client: OpenAI;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2ebatchscale');
    stack = await startStack({
      workers: [{ emulator: { numParallel: 2, tokenDelayMs: 5 } }, { emulator: { numParallel: 2, tokenDelayMs: 5 } }],
      accounting: { databaseUrl, env: USAGE_ROOM },
      edgeEnv: { BATCH_SWEEP_INTERVAL_MS: '250', ...USAGE_ROOM },
    });
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: await stack.createKey('scale'), maxRetries: 0, timeout: 120_000 });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('completes every line exactly once, progress moving, while every chat request is answered in full', async () => {
    // Eight dimensions keep the 50 000 answers at a few megabytes; the vectors are still the model's.
    const bodies = Array.from({ length: LINES }, (_, index) => ({ model: EMBED_MODEL, input: `document number ${index} about topic ${index % 97}`, dimensions: 8 }));
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/embeddings', bodies, 'doc'), 'documents.jsonl');
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/embeddings', completion_window: '24h' });

    let chatting = true;
    const chatAnswers: string[] = [];
    const chatUser = async (user: number) => {
      for (let turn = 0; chatting; turn++) {
        const stream = await client.chat.completions.create({ model: CHAT_MODEL, stream: true, messages: [{ role: 'user', content: `user ${user} turn ${turn}` }] });
        let text = '';
        let finish: string | null = null;
        for await (const chunk of stream) {
          text += chunk.choices[0]?.delta.content ?? '';
          finish = chunk.choices[0]?.finish_reason ?? finish;
        }
        expect(finish).toBe('stop');
        chatAnswers.push(text);
      }
    };
    const users = [0, 1, 2].map(chatUser);

    const progress: number[] = [];
    const { batch } = await waitForBatch(client, created.id, {
      timeoutMs: 540_000,
      onPoll: (seen) => progress.push((seen.request_counts?.completed ?? 0) + (seen.request_counts?.failed ?? 0)),
    });
    chatting = false;
    await Promise.all(users);

    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: LINES, completed: LINES, failed: 0 });
    // Progress moved through intermediate values and never went back.
    expect(progress.some((done) => done > 0 && done < LINES)).toBe(true);
    const backwards = progress.flatMap((done, index) => (index > 0 && done < progress[index - 1]! ? [`${progress[index - 1]} → ${done}`] : []));
    expect(backwards).toEqual([]);

    const output = await readOutput(client, batch.output_file_id);
    expect(output).toHaveLength(LINES);
    expect(customIdsOnce(output).size).toBe(LINES);
    for (const line of output) {
      const body = line.response!.body as { data: Array<{ embedding: number[] }> };
      if (line.response!.status_code !== 200 || body.data.length !== 1 || body.data[0]!.embedding.length !== 8) throw new Error(`unexpected line ${JSON.stringify(line).slice(0, 300)}`);
    }
    // One-input lines still travel in large /api/embed calls (a unit holds one call's inputs, not a
    // fixed number of lines): ~200 calls of 256 for the 50 000 inputs, a few more where a chat user took a slot back.
    const embedCalls = stack.workers.reduce((sum, worker) => sum + worker.emulator.requests().filter((request) => request.path === '/api/embed').length, 0);
    console.log(`scale: ${embedCalls} /api/embed calls for ${LINES} lines`);
    expect(embedCalls).toBeLessThan(LINES / 200);
    // The chat users were served all along: every answer complete.
    expect(chatAnswers.length).toBeGreaterThan(3);
    expect(chatAnswers.every((text) => text.length > 0)).toBe(true);
  });
});
