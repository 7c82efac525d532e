import { connectBus } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { Heartbeat } from '@corral/protocol';
import { DEFAULT_MODELS, natsUrl, startStack, type CompletedRequest, type EmulatedModel, type Stack } from '@corral/testkit';
import { validateAgainstOpenAPI } from '@corral/testkit/testing';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdNamed, waitForUsageRows } from './usage-rows.ts';

/** Used by the split test only, so both workers start with it unloaded and the router treats them alike. */
const BATCH_MODEL: EmulatedModel = { name: 'nomic-embed-text:latest', capabilities: ['embedding'], family: 'nomic-bert', contextLength: 2048, embeddingLength: 768 };
const MODELS = [...DEFAULT_MODELS, BATCH_MODEL];

interface NativeEmbedding {
  embeddings: number[][];
  prompt_eval_count?: number;
}

function float32(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  return [...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)];
}

function inputsOf(request: CompletedRequest): string[] {
  return (request.body as { input: string[] }).input;
}

describe('/v1/embeddings through edge → NATS → workers → emulators', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let client: OpenAI;
  let apiKey: string;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2eembed');
    stack = await startStack({ workers: [{ emulator: { models: MODELS } }, { emulator: { models: MODELS } }], accounting: { databaseUrl } });
    database = new pg.Pool({ connectionString: databaseUrl });
    apiKey = await stack.createKey('embeddings');
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  /** The emulator's vectors are a pure function of (model, text, dimensions): asking one directly gives the truth. */
  async function direct(model: string, input: string[], dimensions?: number): Promise<NativeEmbedding> {
    const response = await fetch(`${stack.workers[0]!.emulator.url}/api/embed`, {
      method: 'POST',
      body: JSON.stringify({ model, input, ...(dimensions ? { dimensions } : {}) }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as NativeEmbedding;
  }

  /**
   * The router prefers workers that have the model loaded, so a batch spreads evenly only once
   * every worker's heartbeat (which the edge reads too) says so.
   */
  async function loadedOnEveryWorker(model: string): Promise<void> {
    const bus = await connectBus({ servers: natsUrl, name: 'e2e-heartbeat-probe', prefix: stack.prefix });
    try {
      const loaded = new Set<string>();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${model} was not reported loaded by every worker`)), 10_000);
        const subscription = bus.subscribe(bus.subjects.heartbeat(), Heartbeat, (heartbeat) => {
          if (heartbeat.models.some((entry) => entry.name === model && entry.loaded)) loaded.add(heartbeat.workerId);
          if (loaded.size < stack.workers.length) return;
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve();
        });
      });
    } finally {
      await bus.drain();
    }
  }

  const post = (body: unknown) =>
    fetch(`${stack.edgeUrl}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` }, body: JSON.stringify(body) });

  it('embeds a single string with the model vector and exact usage, in the schema OpenAI documents', async () => {
    const response = await client.embeddings.create({ model: 'all-minilm', input: 'The quick brown fox', encoding_format: 'float' });
    const truth = await direct('all-minilm', ['The quick brown fox']);
    expect(response).toMatchObject({ object: 'list', model: 'all-minilm' });
    expect(response.data).toEqual([{ object: 'embedding', index: 0, embedding: truth.embeddings[0] }]);
    expect(response.data[0]!.embedding).toHaveLength(384);
    expect(response.usage).toEqual({ prompt_tokens: truth.prompt_eval_count, total_tokens: truth.prompt_eval_count });
    expect(validateAgainstOpenAPI('CreateEmbeddingResponse', response).errors).toEqual([]);
  });

  it('embeds an array in input order', async () => {
    const inputs = ['first sentence', 'second sentence', 'third one'];
    const response = await client.embeddings.create({ model: 'all-minilm', input: inputs, encoding_format: 'float' });
    const truth = await direct('all-minilm', inputs);
    expect(response.data.map((item) => item.index)).toEqual([0, 1, 2]);
    expect(response.data.map((item) => item.embedding)).toEqual(truth.embeddings);
    expect(response.usage.prompt_tokens).toBe(truth.prompt_eval_count);
    expect(validateAgainstOpenAPI('CreateEmbeddingResponse', response).errors).toEqual([]);
  });

  it('returns base64 little-endian float32 that decodes to the float vectors (the SDK default)', async () => {
    const inputs = ['encode me', 'and me'];
    const raw = await post({ model: 'all-minilm', input: inputs, encoding_format: 'base64' });
    expect(raw.status).toBe(200);
    const encoded = (await raw.json()) as { data: { embedding: string; index: number }[] };
    const floats = await client.embeddings.create({ model: 'all-minilm', input: inputs, encoding_format: 'float' });
    expect(encoded.data.map((item) => typeof item.embedding)).toEqual(['string', 'string']);
    expect(encoded.data.map((item) => float32(item.embedding))).toEqual(floats.data.map((item) => item.embedding.map(Math.fround)));
    // Without encoding_format the SDK asks for base64 and decodes it itself.
    const viaSdk = await client.embeddings.create({ model: 'all-minilm', input: inputs });
    expect(viaSdk.data.map((item) => item.embedding)).toEqual(floats.data.map((item) => item.embedding.map(Math.fround)));
  });

  it('passes dimensions to Ollama and returns vectors of that width', async () => {
    const response = await client.embeddings.create({ model: 'all-minilm', input: ['short vector please'], dimensions: 64, encoding_format: 'float' });
    const upstream = stack.workers.flatMap((worker) => worker.emulator.requests()).filter((request) => inputsOf(request)?.[0] === 'short vector please');
    expect(upstream).toHaveLength(1);
    expect(upstream[0]!.body).toMatchObject({ dimensions: 64 });
    expect(response.data[0]!.embedding).toHaveLength(64);
    expect(response.data[0]!.embedding).toEqual((await direct('all-minilm', ['short vector please'], 64)).embeddings[0]);
  });

  it('splits a 256-input batch across both workers and reassembles the vectors in input order, as one usage event', async () => {
    const name = 'embeddings-batch';
    const key = await stack.createKey(name);
    const keyId = await keyIdNamed(database, name);
    const batchClient = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: key, maxRetries: 0 });
    const inputs = Array.from({ length: 256 }, (_, index) => `document number ${index} about topic ${index % 7}`);

    /** Runs the batch and returns the parts each worker embedded for it. */
    const embedBatch = async () => {
      const before = stack.workers.map((worker) => worker.emulator.requests().length);
      const response = await batchClient.embeddings.create({ model: 'nomic-embed-text', input: inputs, encoding_format: 'float' });
      const parts = stack.workers.map((worker, index) =>
        worker.emulator
          .requests()
          .slice(before[index])
          .filter((request) => request.path === '/api/embed')
          .map((request) => ({ inputs: inputsOf(request), promptEvalCount: request.promptEvalCount })),
      );
      return { response, parts };
    };

    const { response, parts } = await embedBatch();
    expect(parts[0]!.length).toBeGreaterThan(0);
    expect(parts[1]!.length).toBeGreaterThan(0);
    const ordered = parts.flat().sort((left, right) => inputs.indexOf(left.inputs[0]!) - inputs.indexOf(right.inputs[0]!));
    expect(ordered.flatMap((part) => part.inputs)).toEqual(inputs);

    expect(response.data).toHaveLength(256);
    expect(response.data.map((item) => item.index)).toEqual(inputs.map((_, index) => index));
    const probes = [0, 1, 127, 128, 129, 200, 255];
    const truth = await direct('nomic-embed-text', probes.map((index) => inputs[index]!));
    expect(probes.map((index) => response.data[index]!.embedding)).toEqual(truth.embeddings);
    expect(response.data[127]!.embedding).not.toEqual(response.data[128]!.embedding);

    const promptTokens = ordered.reduce((total, part) => total + part.promptEvalCount, 0);
    expect(response.usage).toEqual({ prompt_tokens: promptTokens, total_tokens: promptTokens });
    const rows = await waitForUsageRows(database, keyId, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ request_id: response._request_id, endpoint: '/v1/embeddings', status: 'ok', http_status: 200, prompt_tokens: promptTokens, completion_tokens: 0 });

    // Now that the edge knows the model's width it cuts the batch into fewer, larger parts (each
    // reply still within one NATS message), still over both workers and in order.
    await loadedOnEveryWorker(BATCH_MODEL.name);
    const again = await embedBatch();
    expect(again.parts[0]!.length).toBeGreaterThan(0);
    expect(again.parts[1]!.length).toBeGreaterThan(0);
    expect(again.parts.flat().length).toBeLessThan(parts.flat().length);
    expect(again.response.data.map((item) => item.embedding)).toEqual(response.data.map((item) => item.embedding));
  });

  it('fails the whole batch when one part fails', async () => {
    const inputs = Array.from({ length: 64 }, (_, index) => `part input ${index}`);
    // Longer than the model context, with truncation off: Ollama refuses the part holding it.
    inputs[50] = Array.from({ length: 600 }, (_, index) => `word${index}`).join(' ');
    const response = await post({ model: 'all-minilm', input: inputs, truncate: false, encoding_format: 'float' });
    const body = (await response.json()) as { error?: { message: string; type: string }; data?: unknown };
    expect(response.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.error?.message).toMatch(/context length/);
    const attempts = stack.workers.flatMap((worker) => worker.emulator.requests()).filter((request) => inputsOf(request)?.includes(inputs[50]!));
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((request) => request.status === 400)).toBe(true);
  });

  it('refuses bad input with a 400 naming the parameter, and an unknown model with 404', async () => {
    const cases: { body: Record<string, unknown>; param: string }[] = [
      { body: { model: 'all-minilm' }, param: 'input' },
      { body: { model: 'all-minilm', input: '' }, param: 'input' },
      { body: { model: 'all-minilm', input: [] }, param: 'input' },
      { body: { model: 'all-minilm', input: ['fine', ''] }, param: 'input[1]' },
      { body: { model: 'all-minilm', input: [101, -2023] }, param: 'input[1]' },
      { body: { model: 'all-minilm', input: 'x', encoding_format: 'json' }, param: 'encoding_format' },
      { body: { model: 'all-minilm', input: 'x', dimensions: 0 }, param: 'dimensions' },
      { body: { model: 'all-minilm', input: Array.from({ length: 2049 }, () => 'x') }, param: 'input' },
    ];
    for (const testCase of cases) {
      const response = await post(testCase.body);
      const body = (await response.json()) as { error: { type: string; param: string | null } };
      expect([response.status, body.error.type, body.error.param], JSON.stringify(testCase.body).slice(0, 120)).toEqual([400, 'invalid_request_error', testCase.param]);
    }
    await expect(client.embeddings.create({ model: 'no-such-embedder', input: 'x' })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });
});
