import { callAccounting, connectBus, type Bus } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startStack, type Stack } from '@corral/testkit';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchFile, customIdsOnce, readOutput, uploadBatchFile, waitForBatch } from './batch-helpers.ts';

const CHAT_MODEL = 'llama3.2';

function chatLines(count: number, model = CHAT_MODEL): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({ model, messages: [{ role: 'user', content: `limited ${index}` }] }));
}

describe('a batch charged to a team whose budget runs out', { timeout: 120_000 }, () => {
  let stack: Stack;
  let bus: Bus;
  let databaseUrl: string;
  let database: pg.Pool;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2ebatchquota');
    stack = await startStack({ workers: [{ emulator: { numParallel: 2, tokenDelayMs: 30 } }], accounting: { databaseUrl }, edgeEnv: { BATCH_UNIT_LINES: '4', BATCH_SWEEP_INTERVAL_MS: '100' } });
    bus = await connectBus({ servers: stack.env.NATS_URL!, name: 'batch-quota-test', prefix: stack.prefix });
    database = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  }, 120_000);
  afterAll(async () => {
    await bus?.close();
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('fails the lines after the budget is spent with insufficient_quota lines; each line ran is charged to the key and its team', async () => {
    // A dollar per prompt token: one line spends the team's whole budget.
    await callAccounting(bus, 'models.set', { alias: 'pricey', target: CHAT_MODEL, inputPricePerMTok: 1_000_000 });
    const team = await callAccounting(bus, 'teams.create', { name: 'batch-spender', monthlyBudgetUsd: 1 });
    const key = await callAccounting(bus, 'keys.create', { name: 'batch-spender-key', teamId: team.id });
    const client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: key.plaintext, maxRetries: 0 });
    for (;;) {
      const models = await client.models.list().catch(() => undefined);
      if (models?.data.some((model) => model.id === 'pricey')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    const inputFileId = await uploadBatchFile(client, batchFile('/v1/chat/completions', chatLines(40, 'pricey')));
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const { batch } = await waitForBatch(client, created.id);
    expect(batch.status).toBe('completed');
    const { completed, failed, total } = batch.request_counts!;
    expect(total).toBe(40);
    expect(completed + failed).toBe(40);
    expect(completed).toBeGreaterThanOrEqual(1);
    expect(failed).toBeGreaterThanOrEqual(1);

    const errors = await readOutput(client, batch.error_file_id);
    const output = await readOutput(client, batch.output_file_id);
    expect(customIdsOnce([...output, ...errors]).size).toBe(40);
    for (const line of errors) {
      expect(line.response).toMatchObject({ status_code: 429, body: { error: { code: 'insufficient_quota', type: 'insufficient_quota' } } });
    }

    // The lines that ran are charged to the key and its team, one usage row each.
    const ran = output.map((line) => line.response!.request_id);
    for (;;) {
      const { rows } = await database.query<{ count: string }>('SELECT count(*) FROM usage WHERE key_id = $1 AND team_id = $2 AND status = $3 AND request_id = ANY($4)', [key.key.id, team.id, 'ok', ran]);
      if (Number(rows[0]!.count) === ran.length) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const listed = await callAccounting(bus, 'teams.list', {});
    expect(listed.find((entry) => entry.id === team.id)!.spentThisMonthUsd).toBeGreaterThanOrEqual(1);
  });
});

describe('a batch whose completion window ends before its lines', { timeout: 120_000 }, () => {
  let stack: Stack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startStack({
      workers: [{ emulator: { numParallel: 1, tokenDelayMs: 60 } }],
      // The window "24h" lasts three seconds here: a line takes most of a second, so most never start.
      edgeEnv: { BATCH_COMPLETION_WINDOW_SECONDS: '3', BATCH_UNIT_LINES: '4', BATCH_SWEEP_INTERVAL_MS: '100' },
    });
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('ends expired: the finished lines in the output, every other line a batch_expired error line', async () => {
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/chat/completions', chatLines(24)));
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(created.expires_at! - created.created_at).toBe(3);
    const { batch } = await waitForBatch(client, created.id);
    expect(batch.status).toBe('expired');
    expect(batch.expired_at).toEqual(expect.any(Number));
    const { completed, failed, total } = batch.request_counts!;
    expect(total).toBe(24);
    expect(completed + failed).toBe(24);
    expect(failed).toBeGreaterThan(0);

    const output = await readOutput(client, batch.output_file_id);
    const errors = await readOutput(client, batch.error_file_id);
    expect(customIdsOnce([...output, ...errors]).size).toBe(24);
    expect(output.every((line) => line.response?.status_code === 200)).toBe(true);
    expect(errors.length).toBe(failed);
    for (const line of errors) {
      expect(line.response).toBeNull();
      expect(line.error).toEqual({ code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' });
    }
  });
});

describe('an embeddings batch on a worker with more slots than its GPU needs', { timeout: 120_000 }, () => {
  let stack: Stack;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startStack({
      // Each /api/embed call holds the GPU 150 ms; the worker offers its 4 slots (WORKER_CAPACITY).
      workers: [{ emulator: { numParallel: 4, embedCallDelayMs: 150 } }],
      edgeEnv: { BATCH_EMBED_MAX_INPUTS: '8', BATCH_EMBED_CALLS_PER_WORKER: '2', BATCH_SWEEP_INTERVAL_MS: '100' },
    });
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('keeps BATCH_EMBED_CALLS_PER_WORKER coalesced calls in flight, not one per free slot', async () => {
    const bodies = Array.from({ length: 96 }, (_, index) => ({ model: 'all-minilm', input: `passage ${index}` }));
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/embeddings', bodies));
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/embeddings', completion_window: '24h' });
    const { batch } = await waitForBatch(client, created.id);
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 96, completed: 96, failed: 0 });
    const emulator = stack.workers[0]!.emulator;
    expect(emulator.requests().filter((request) => request.path === '/api/embed')).toHaveLength(12);
    // Two at once: one computing while the next waits, so the GPU never idles between calls.
    expect(emulator.peakActive('/api/embed')).toBe(2);
  });
});
