import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import { validateAgainstOpenAPI } from '@corral/testkit/testing';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFile, customIdsOnce, readOutput, uploadBatchFile, waitForBatch, withoutNulls } from './batch-helpers.ts';
import { keyIdNamed, waitForUsageRows } from './usage-rows.ts';

const CHAT_MODEL = 'llama3.2';
const EMBED_MODEL = 'all-minilm';

describe('the Batch API through the official SDK, executed on the fleet', { timeout: 90_000 }, () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let client: OpenAI;
  let stranger: OpenAI;
  let ownerKeyId: string;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2ebatches');
    stack = await startStack({
      workers: [{ emulator: { numParallel: 2 } }, { emulator: { numParallel: 2 } }],
      accounting: { databaseUrl },
      edgeEnv: { BATCH_UNIT_LINES: '8', BATCH_SWEEP_INTERVAL_MS: '100', BATCH_ACK_WAIT_MS: '5000', ...(process.env.BATCH_DEBUG ? { LOG_LEVEL: 'debug' } : {}) },
    });
    const ownerKey = await stack.createKey('batch-owner');
    const strangerKey = await stack.createKey('batch-stranger');
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: ownerKey, maxRetries: 0 });
    stranger = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: strangerKey, maxRetries: 0 });
    database = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    ownerKeyId = await keyIdNamed(database, 'batch-owner');
  }, 120_000);

  afterAll(async () => {
    if (process.env.BATCH_DEBUG) console.log(stack?.edge.output().slice(-6000));
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('runs a chat batch: validating → in_progress → completed, each line the body /v1/chat/completions answers, usage rows per line', async () => {
    const prompts = Array.from({ length: 20 }, (_, index) => `Say something about the number ${index}`);
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/chat/completions', prompts.map((content) => ({ model: CHAT_MODEL, messages: [{ role: 'user', content }] }))));
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { job: 'nightly' } });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { job: 'nightly' }, output_file_id: null });
    expect(validateAgainstOpenAPI('Batch', withoutNulls(created)).errors).toEqual([]);

    const { batch, statuses } = await waitForBatch(client, created.id);
    expect(batch.status).toBe('completed');
    expect(statuses.at(-1)).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 20, completed: 20, failed: 0 });
    expect(batch.model).toBe(CHAT_MODEL);
    for (const field of ['in_progress_at', 'finalizing_at', 'completed_at', 'expires_at'] as const) expect(batch[field]).toEqual(expect.any(Number));
    expect(batch.in_progress_at!).toBeGreaterThanOrEqual(batch.created_at);
    expect(batch.completed_at!).toBeGreaterThanOrEqual(batch.finalizing_at!);
    expect(batch.error_file_id).toBeNull();
    expect(validateAgainstOpenAPI('Batch', withoutNulls(batch)).errors).toEqual([]);

    const output = await readOutput(client, batch.output_file_id);
    expect(customIdsOnce(output)).toEqual(new Set(prompts.map((_, index) => `line-${index}`)));
    const interactive = await client.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: prompts[3]! }] });
    const third = output.find((line) => line.custom_id === 'line-3')!;
    expect(third.id).toMatch(/^batch_req_/);
    expect(third.error).toBeNull();
    expect(third.response).toMatchObject({ status_code: 200, request_id: expect.stringMatching(/^req_/) });
    const body = third.response!.body as unknown as typeof interactive;
    expect(validateAgainstOpenAPI('CreateChatCompletionResponse', body).errors).toEqual([]);
    expect(body.choices[0]!.message.content).toBe(interactive.choices[0]!.message.content);
    expect(body.usage).toEqual(interactive.usage);

    // One usage row per line (the interactive call above adds its own), each under its line's request id.
    const rows = await waitForUsageRows(database, ownerKeyId, 21);
    const lineRows = rows.filter((row) => row.request_id.startsWith('req_') && output.some((line) => line.response!.request_id === row.request_id));
    expect(lineRows).toHaveLength(20);
    expect(lineRows.every((row) => row.status === 'ok' && row.endpoint === '/v1/chat/completions')).toBe(true);

    await expect(client.batches.cancel(batch.id)).rejects.toMatchObject({ status: 409 });
    const info = await client.files.retrieve(batch.output_file_id!);
    expect(info).toMatchObject({ purpose: 'batch_output', filename: `${batch.id}_output.jsonl` });
  });

  it('runs an embeddings batch whose lines are coalesced into large calls, each line’s vectors exactly the interactive ones', async () => {
    const lines = Array.from({ length: 120 }, (_, index) => ({ model: EMBED_MODEL, input: [`first text ${index}`, `second text of line ${index}`] }));
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/embeddings', lines, 'emb'));
    const callsBefore = stack.workers.reduce((sum, worker) => sum + worker.emulator.requests().filter((request) => request.path === '/api/embed').length, 0);
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/embeddings', completion_window: '24h' });
    const { batch } = await waitForBatch(client, created.id);
    expect(batch.request_counts).toEqual({ total: 120, completed: 120, failed: 0 });
    const output = await readOutput(client, batch.output_file_id);
    expect(customIdsOnce(output).size).toBe(120);
    const calls = stack.workers.reduce((sum, worker) => sum + worker.emulator.requests().filter((request) => request.path === '/api/embed').length, 0) - callsBefore;
    // 240 inputs in far fewer calls than lines: the lines travelled together.
    expect(calls).toBeLessThan(120 / 4);

    const interactive = await client.embeddings.create({ model: EMBED_MODEL, input: lines[57]!.input, encoding_format: 'float' });
    const line = output.find((entry) => entry.custom_id === 'emb-57')!;
    const body = line.response!.body as unknown as typeof interactive;
    expect(validateAgainstOpenAPI('CreateEmbeddingResponse', body).errors).toEqual([]);
    expect(body.data.map((entry) => entry.index)).toEqual([0, 1]);
    expect(body.data.map((entry) => entry.embedding)).toEqual(interactive.data.map((entry) => entry.embedding));
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('runs completions and responses batches', async () => {
    for (const [endpoint, body, check] of [
      ['/v1/completions', { model: CHAT_MODEL, prompt: 'Once upon a time', max_tokens: 5 }, (answer: Record<string, unknown>) => expect(answer.object).toBe('text_completion')],
      ['/v1/responses', { model: CHAT_MODEL, input: 'Tell me a joke', store: false }, (answer: Record<string, unknown>) => expect(answer).toMatchObject({ object: 'response', status: 'completed' })],
    ] as const) {
      const inputFileId = await uploadBatchFile(client, batchFile(endpoint, [body, body, body]));
      const created = await client.batches.create({ input_file_id: inputFileId, endpoint, completion_window: '24h' });
      const { batch } = await waitForBatch(client, created.id);
      expect(batch.request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
      const output = await readOutput(client, batch.output_file_id);
      expect(output).toHaveLength(3);
      for (const line of output) check(line.response!.body);
    }
  });

  it('puts the lines that fail into the error file with the endpoint’s own error, and counts them failed', async () => {
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/chat/completions', [
      { model: CHAT_MODEL, messages: [{ role: 'user', content: 'fine' }] },
      { model: CHAT_MODEL, messages: [] },
      { model: CHAT_MODEL, messages: [{ role: 'user', content: 'fine too' }], temperature: 7 },
    ]));
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const { batch } = await waitForBatch(client, created.id);
    expect(batch).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 1, failed: 2 } });
    const errors = await readOutput(client, batch.error_file_id);
    expect(errors.map((line) => line.custom_id).sort()).toEqual(['line-1', 'line-2']);
    for (const line of errors) {
      expect(line.response!.status_code).toBe(400);
      expect(line.response!.body).toMatchObject({ error: { type: 'invalid_request_error' } });
    }
    expect((await readOutput(client, batch.output_file_id)).map((line) => line.custom_id)).toEqual(['line-0']);
  });

  it('fails a malformed file with OpenAI’s errors list: line numbers and codes', async () => {
    const good = JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: CHAT_MODEL, messages: [] } });
    const content = [good, '{not json', good, JSON.stringify({ custom_id: 'b', method: 'GET', url: '/v1/chat/completions', body: { model: CHAT_MODEL } }), JSON.stringify({ custom_id: 'c', method: 'POST', url: '/v1/embeddings', body: { model: CHAT_MODEL } })].join('\n');
    const inputFileId = await uploadBatchFile(client, content);
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const { batch } = await waitForBatch(client, created.id);
    expect(batch.status).toBe('failed');
    expect(batch.failed_at).toEqual(expect.any(Number));
    expect(batch.output_file_id).toBeNull();
    expect(batch.errors?.object).toBe('list');
    expect(batch.errors?.data?.map(({ code, line }) => ({ code, line }))).toEqual([
      { code: 'invalid_json_line', line: 2 },
      { code: 'duplicate_custom_id', line: 3 },
      { code: 'invalid_method', line: 4 },
      { code: 'invalid_url', line: 5 },
    ]);
    expect(validateAgainstOpenAPI('Batch', withoutNulls(batch)).errors).toEqual([]);
  });

  it('refuses bad create requests in OpenAI’s format', async () => {
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/embeddings', [{ model: EMBED_MODEL, input: 'x' }]));
    await expect(client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/embeddings', completion_window: '48h' as '24h' })).rejects.toMatchObject({ status: 400, param: 'completion_window' });
    await expect(client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/moderations', completion_window: '24h' })).rejects.toMatchObject({ status: 400, param: 'endpoint' });
    await expect(client.batches.create({ input_file_id: 'file-doesnotexist', endpoint: '/v1/embeddings', completion_window: '24h' })).rejects.toMatchObject({ status: 404 });
    // Another key's file is as missing as a file that never existed.
    await expect(stranger.batches.create({ input_file_id: inputFileId, endpoint: '/v1/embeddings', completion_window: '24h' })).rejects.toMatchObject({ status: 404 });
    const response = await fetch(`${stack.edgeUrl}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
  });

  it('hides a batch from every other key: retrieve and cancel are 404, the list leaves it out', async () => {
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/embeddings', [{ model: EMBED_MODEL, input: 'mine' }]));
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/embeddings', completion_window: '24h' });
    await expect(stranger.batches.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(stranger.batches.cancel(created.id)).rejects.toMatchObject({ status: 404 });
    const strangers = [];
    for await (const batch of stranger.batches.list()) strangers.push(batch.id);
    expect(strangers).not.toContain(created.id);
    const mine = [];
    for await (const batch of client.batches.list({ limit: 2 })) mine.push(batch.id);
    expect(mine).toContain(created.id);
    await waitForBatch(client, created.id);
    // Its output is the owner's file too.
    const { batch } = await waitForBatch(client, created.id);
    await expect(stranger.files.content(batch.output_file_id!)).rejects.toMatchObject({ status: 404 });
  });

  it('cancels a batch mid-way: cancelling at once, then cancelled with the partial output', async () => {
    for (const worker of stack.workers) worker.emulator.setOptions({ tokenDelayMs: 40 });
    try {
      const bodies = Array.from({ length: 60 }, (_, index) => ({ model: CHAT_MODEL, messages: [{ role: 'user', content: `slow ${index}` }] }));
      const inputFileId = await uploadBatchFile(client, batchFile('/v1/chat/completions', bodies));
      const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
      // Wait for the first lines to finish, then cancel.
      for (;;) {
        const seen = await client.batches.retrieve(created.id);
        if (seen.request_counts!.completed >= 4) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const cancelling = await client.batches.cancel(created.id);
      expect(cancelling.status).toBe('cancelling');
      expect(cancelling.cancelling_at).toEqual(expect.any(Number));
      const { batch } = await waitForBatch(client, created.id);
      expect(batch.status).toBe('cancelled');
      expect(batch.cancelled_at).toEqual(expect.any(Number));
      const output = await readOutput(client, batch.output_file_id);
      expect(output.length).toBe(batch.request_counts!.completed);
      expect(output.length).toBeGreaterThanOrEqual(4);
      expect(output.length).toBeLessThan(60);
      customIdsOnce(output);
      expect(output.every((line) => line.response!.status_code === 200)).toBe(true);
      // Cancelling again changes nothing.
      expect((await client.batches.cancel(created.id)).status).toBe('cancelled');
    } finally {
      for (const worker of stack.workers) worker.emulator.setOptions({ tokenDelayMs: 0 });
    }
  });
});
