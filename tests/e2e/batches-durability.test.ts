import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { freePort, startNatsServer, startService, startStack, type NatsServer, type ServiceProcess, type Stack } from '@corral/testkit';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchFile, customIdsOnce, readOutput, uploadBatchFile, waitForBatch, type OutputLine } from './batch-helpers.ts';
import { keyIdNamed } from './usage-rows.ts';

const CHAT_MODEL = 'llama3.2';
const EMBED_MODEL = 'all-minilm';
/** Short enough that a unit held by a dead edge is run again within the test. */
const BATCH_ENV = { BATCH_UNIT_LINES: '4', BATCH_EMBED_MAX_INPUTS: '32', BATCH_SWEEP_INTERVAL_MS: '100', BATCH_ACK_WAIT_MS: '3000' };

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function chatLines(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({ model: CHAT_MODEL, messages: [{ role: 'user', content: `durable ${index}` }] }));
}

/** Every line of the input exactly once across the output and error files, each a 200. */
async function expectEveryLineOnce(client: OpenAI, batchId: string, count: number, prefix = 'line'): Promise<OutputLine[]> {
  const { batch } = await waitForBatch(client, batchId, { timeoutMs: 120_000 });
  expect(batch.status).toBe('completed');
  const lines = [...(await readOutput(client, batch.output_file_id)), ...(await readOutput(client, batch.error_file_id))];
  expect(customIdsOnce(lines)).toEqual(new Set(Array.from({ length: count }, (_, index) => `${prefix}-${index}`)));
  expect(lines.filter((line) => line.response?.status_code !== 200)).toEqual([]);
  expect(batch.request_counts).toEqual({ total: count, completed: count, failed: 0 });
  return lines;
}

/** The usage rows of the batch's lines: exactly one per line, each under the line's own request id. */
async function expectOneUsageRowPerLine(database: pg.Pool, keyId: string, lines: readonly OutputLine[]): Promise<void> {
  const requestIds = lines.map((line) => line.response!.request_id);
  await until(async () => {
    const { rows } = await database.query<{ count: string }>('SELECT count(*) FROM usage WHERE key_id = $1 AND request_id = ANY($2)', [keyId, requestIds]);
    return Number(rows[0]!.count) === requestIds.length;
  }, 'one usage row per line');
  const { rows } = await database.query<{ request_id: string; status: string }>('SELECT request_id, status FROM usage WHERE key_id = $1 AND request_id = ANY($2)', [keyId, requestIds]);
  expect(rows).toHaveLength(requestIds.length);
  expect(rows.every((row) => row.status === 'ok')).toBe(true);
}

describe('a batch survives a worker SIGKILL and an edge SIGKILL mid-way', { timeout: 180_000 }, () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let client: OpenAI;
  let keyId: string;
  let secondEdge: ServiceProcess | undefined;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2ebatchdur');
    stack = await startStack({
      workers: [{ emulator: { numParallel: 2, tokenDelayMs: 15 } }, { emulator: { numParallel: 2, tokenDelayMs: 15 } }],
      accounting: { databaseUrl },
      edgeEnv: BATCH_ENV,
    });
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: await stack.createKey('durable'), maxRetries: 2 });
    database = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    keyId = await keyIdNamed(database, 'durable');
  }, 120_000);
  afterEach(() => secondEdge?.kill('SIGKILL'));
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('a worker SIGKILLed while it runs batch lines: the others take over, every line exactly once', async () => {
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/chat/completions', chatLines(40)));
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const victim = stack.workers[0]!;
    await until(async () => victim.emulator.active() > 0 && (await client.batches.retrieve(created.id)).request_counts!.completed >= 4, 'the first worker running batch lines');
    victim.process.kill('SIGKILL');
    const lines = await expectEveryLineOnce(client, created.id, 40);
    await expectOneUsageRowPerLine(database, keyId, lines);
  });

  it('an edge SIGKILLed while it runs units: another edge runs them again after the ack wait, every line exactly once', async () => {
    // The stack's first worker is dead since the test above; the second serves alone.
    const port = await freePort();
    secondEdge = startService('edge-b', 'apps/edge/src/main.ts', { ...stack.env, PORT: String(port), HOST: '127.0.0.1', AUTH_DISABLED: 'false', STREAM_IDLE_TIMEOUT_MS: '2000', ...BATCH_ENV });
    const second = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: client.apiKey, maxRetries: 2 });
    await until(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).then((response) => response.ok, () => false)), 'the second edge to be ready');
    await until(async () => (await second.models.list().then(() => true, () => false)), 'the second edge to know the key');

    const inputFileId = await uploadBatchFile(second, batchFile('/v1/chat/completions', chatLines(32)));
    const created = await second.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    // Both edges pull units; once lines are done, the stack's own edge dies holding the units it runs.
    await until(async () => (await second.batches.retrieve(created.id)).request_counts!.completed >= 4, 'the first lines done');
    stack.edge.kill('SIGKILL');
    const lines = await expectEveryLineOnce(second, created.id, 32);
    await expectOneUsageRowPerLine(database, keyId, lines);
  });
});

describe('a batch survives a NATS server restart mid-way', { timeout: 180_000 }, () => {
  let nats: NatsServer;
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let client: OpenAI;
  let keyId: string;

  beforeAll(async () => {
    nats = await startNatsServer();
    databaseUrl = testDatabaseUrl('e2ebatchnats');
    // The whole NATS server goes away with the test, so there is no bus state to remove.
    stack = await startStack({
      natsUrl: nats.url,
      workers: [{ emulator: { numParallel: 2, tokenDelayMs: 15 } }, { emulator: { numParallel: 2, tokenDelayMs: 15 } }],
      accounting: { databaseUrl },
      edgeEnv: BATCH_ENV,
      removeBusState: false,
    });
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: await stack.createKey('across-restart'), maxRetries: 3, timeout: 20_000 });
    database = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    keyId = await keyIdNamed(database, 'across-restart');
  }, 120_000);
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    await nats?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('chat lines: progress resumes where it stopped, every line exactly once, one usage row each', async () => {
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/chat/completions', chatLines(40)));
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    await until(async () => (await client.batches.retrieve(created.id)).request_counts!.completed >= 8, 'the first lines done');
    await nats.stop();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await nats.start();
    const lines = await expectEveryLineOnce(client, created.id, 40);
    await expectOneUsageRowPerLine(database, keyId, lines);
  });

  it('embeddings lines across a second restart', async () => {
    const bodies = Array.from({ length: 200 }, (_, index) => ({ model: EMBED_MODEL, input: [`a ${index}`, `b ${index}`] }));
    const inputFileId = await uploadBatchFile(client, batchFile('/v1/embeddings', bodies, 'emb'));
    for (const worker of stack.workers) worker.emulator.setOptions({ tokenDelayMs: 0 });
    const created = await client.batches.create({ input_file_id: inputFileId, endpoint: '/v1/embeddings', completion_window: '24h' });
    await until(async () => (await client.batches.retrieve(created.id)).status !== 'validating', 'the batch to start');
    await nats.stop();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await nats.start();
    const lines = await expectEveryLineOnce(client, created.id, 200, 'emb');
    for (const line of lines) expect((line.response!.body as { data: unknown[] }).data).toHaveLength(2);
    await expectOneUsageRowPerLine(database, keyId, lines);
  });
});
