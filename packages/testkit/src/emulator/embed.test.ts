import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator.ts';
import { postJson } from '../testing/index.ts';
import { countTextTokens } from './tokens.ts';
import type { Emulator } from './types.ts';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

describe('/api/embed', () => {
  it('returns one L2-normalised vector per input, embeddingLength wide', async () => {
    const input = ['Why is the sky blue?', 'Why is the grass green?'];
    const { status, body } = await postJson(`${emulator.url}/api/embed`, { model: 'all-minilm', input });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['model', 'embeddings', 'total_duration', 'load_duration', 'prompt_eval_count']);
    const embeddings = body.embeddings as number[][];
    expect(embeddings).toHaveLength(2);
    for (const vector of embeddings) {
      expect(vector).toHaveLength(384);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(embeddings[0]).not.toEqual(embeddings[1]);
    expect(body.prompt_eval_count).toBe(countTextTokens(input[0]) + countTextTokens(input[1]));
  });

  it('is deterministic per text and accepts a single string', async () => {
    const single = await postJson(`${emulator.url}/api/embed`, { model: 'all-minilm', input: 'Why is the sky blue?' });
    const batch = await postJson(`${emulator.url}/api/embed`, { model: 'all-minilm', input: ['Why is the sky blue?'] });
    expect(single.body.embeddings).toEqual(batch.body.embeddings);
  });

  it('truncates to `dimensions` and renormalises', async () => {
    const full = await postJson(`${emulator.url}/api/embed`, { model: 'all-minilm', input: 'abc' });
    const short = await postJson(`${emulator.url}/api/embed`, { model: 'all-minilm', input: 'abc', dimensions: 8 });
    const vector = (short.body.embeddings as number[][])[0] as number[];
    expect(vector).toHaveLength(8);
    expect(norm(vector)).toBeCloseTo(1, 5);
    const prefix = ((full.body.embeddings as number[][])[0] as number[]).slice(0, 8);
    const scale = (vector[0] as number) / (prefix[0] as number);
    vector.forEach((value, index) => expect(value).toBeCloseTo((prefix[index] as number) * scale, 5));
  });

  it('loads the model and returns no embeddings for empty input', async () => {
    expect(await postJson(`${emulator.url}/api/embed`, { model: 'all-minilm', input: '' })).toEqual({
      status: 200,
      body: { model: 'all-minilm', embeddings: [] },
    });
    expect(emulator.loaded()).toContain('all-minilm:latest');
  });

  it('rejects inputs that are not strings', async () => {
    expect(await postJson(`${emulator.url}/api/embed`, { model: 'all-minilm', input: [1, 2] })).toEqual({
      status: 400,
      body: { error: 'invalid input type' },
    });
  });
});

describe('/api/embed at a GPU-like speed', () => {
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('holds the only slot for its compute time: a second call waits, and runs once the first client leaves', { timeout: 30_000 }, async () => {
    // 10 tokens/s: the first call's 10 000 tokens outlast the test (only its client's leaving ends it), the second's one token is quick.
    const slow = await startEmulator({ embedTokensPerSecond: 10 });
    try {
      const controller = new AbortController();
      const first = fetch(`${slow.url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'all-minilm', input: 'word '.repeat(10_000) }), signal: controller.signal }).catch(() => 'aborted');
      // Once the model is loaded the first call takes the free slot in the same turn: it holds it from here.
      await until(() => slow.active() === 1 && slow.loaded().length === 1);
      const second = postJson(`${slow.url}/api/embed`, { model: 'all-minilm', input: 'one' });
      await until(() => slow.active() === 2);
      expect(slow.requests()).toEqual([]);
      controller.abort();
      expect(await first).toBe('aborted');
      const answer = await second;
      expect(answer.status).toBe(200);
      expect(answer.body.prompt_eval_count).toBe(1);
      const byId = slow.requests().sort((a, b) => a.id - b.id);
      expect(byId.map((request) => [request.cancelled, request.status])).toEqual([
        [true, 499],
        [false, 200],
      ]);
    } finally {
      await slow.close();
    }
  });
});

describe('/api/embeddings (legacy)', () => {
  it('returns a single raw vector', async () => {
    const { status, body } = await postJson(`${emulator.url}/api/embeddings`, { model: 'all-minilm', prompt: 'Here is an article about llamas' });
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['embedding']);
    const vector = body.embedding as number[];
    expect(vector).toHaveLength(384);
    expect(norm(vector)).not.toBeCloseTo(1, 2);
  });

  it('returns an empty vector for an empty prompt and needs a model', async () => {
    expect((await postJson(`${emulator.url}/api/embeddings`, { model: 'all-minilm' })).body).toEqual({ embedding: [] });
    expect(await postJson(`${emulator.url}/api/embeddings`, { prompt: 'x' })).toEqual({ status: 400, body: { error: 'model is required' } });
  });
});
