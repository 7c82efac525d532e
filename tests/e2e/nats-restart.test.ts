import { callAccounting, connectBus, type Bus } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { startNatsServer, startStack, type NatsServer, type Stack } from '@corral/testkit';
import OpenAI, { APIError } from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * NATS restarts under a running stack (edge, worker, accounting) on a private nats-server with the
 * same port and store: requests fail cleanly while it is down, and afterwards routing, the key
 * watch and the usage stream resume without losing an event.
 */
describe('a NATS server restart', () => {
  let nats: NatsServer;
  let stack: Stack;
  let bus: Bus;
  let databaseUrl: string;
  let database: pg.Pool;
  /** Every request the edge answered, by the id it returned; each must end up as one usage row. */
  const answered: string[] = [];
  let key: string;
  /** A key created before the restart and revoked after it. */
  let doomed: { id: string; plaintext: string };

  beforeAll(async () => {
    nats = await startNatsServer();
    databaseUrl = testDatabaseUrl('e2enats');
    // The whole NATS server goes away with the test, so there is no bus state to remove.
    stack = await startStack({ natsUrl: nats.url, workers: [{ emulator: { tokensPerReply: 6 } }], accounting: { databaseUrl }, removeBusState: false });
    database = new pg.Pool({ connectionString: databaseUrl });
    bus = await connectBus({ servers: nats.url, name: 'nats-restart-test', prefix: stack.prefix });
    key = (await createKey('main')).plaintext;
    doomed = await createKey('doomed');
  });
  afterAll(async () => {
    await bus?.close();
    await database?.end();
    await stack?.close();
    await nats?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const client = (apiKey: string) => new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey, maxRetries: 0, timeout: 15_000 });

  async function createKey(name: string): Promise<{ id: string; plaintext: string }> {
    const created = await callAccounting(bus, 'keys.create', { name });
    await waitUntil(async () => (await modelsStatus(created.plaintext)) === 200, `the edge did not accept key ${name}`);
    return { id: created.key.id, plaintext: created.plaintext };
  }

  async function modelsStatus(apiKey: string): Promise<number> {
    const response = await fetch(`${stack.edgeUrl}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
    await response.body?.cancel();
    return response.status;
  }

  async function readiness(): Promise<{ status: string; nats: string; workers: number }> {
    const response = await fetch(`${stack.edgeUrl}/readyz`);
    return (await response.json()) as { status: string; nats: string; workers: number };
  }

  /** Polls a condition; resolves with the milliseconds it took. */
  async function waitUntil(probe: () => Promise<boolean>, failure: string, timeoutMs = 15_000): Promise<number> {
    const started = performance.now();
    for (;;) {
      if (await probe().catch(() => false)) return performance.now() - started;
      if (performance.now() - started > timeoutMs) throw new Error(`${failure} within ${timeoutMs} ms\nedge:\n${stack.edge.output()}\naccounting:\n${stack.accounting?.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async function chat(apiKey: string, content: string): Promise<string> {
    const completion = await client(apiKey).chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content }] });
    expect(completion.choices[0]!.message.content?.length).toBeGreaterThan(0);
    expect(completion._request_id).toBeTruthy();
    answered.push(completion._request_id!);
    return completion._request_id!;
  }

  async function streamedChat(apiKey: string, content: string): Promise<void> {
    const { data: stream, request_id: requestId } = await client(apiKey).chat.completions.create({ model: 'llama3.2', stream: true, messages: [{ role: 'user', content }] }).withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(requestId).toBeTruthy();
    answered.push(requestId!);
  }

  it('answers before the restart', async () => {
    await chat(key, 'before the restart');
    await streamedChat(key, 'before the restart, streamed');
  });

  it('answers 503 with an OpenAI error at once while NATS is down', async () => {
    await nats.stop();
    // The edge must have noticed (its socket closed); a request racing that would take the accept-timeout path instead.
    await waitUntil(async () => (await readiness()).nats === 'disconnected', 'the edge did not notice NATS going away');
    const started = performance.now();
    const error = await client(key)
      .chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'during the outage' }] })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(APIError);
    const apiError = error as APIError;
    expect(apiError.status).toBe(503);
    // Answered by the disconnected fast path, not after an accept timeout or the worker's expiry.
    expect(apiError.error).toMatchObject({ type: 'server_error', code: 'upstream_unavailable', message: expect.stringContaining('the connection to the message bus is being re-established') });
    expect(apiError.headers?.get('retry-after')).toBeTruthy();
    expect(apiError.requestID).toBeTruthy();
    answered.push(apiError.requestID!);
    console.log(`while NATS was down: ${JSON.stringify(apiError.error)} after ${elapsed.toFixed(0)} ms`);

    expect(await readiness()).toMatchObject({ status: 'not_ready', nats: 'disconnected' });
    // Long enough for the edge to forget the silent worker, so it must re-announce itself afterwards.
    const forgotten = await waitUntil(async () => (await readiness()).workers === 0, 'the edge did not forget the silent worker');
    console.log(`while NATS was down: the edge forgot the worker after ${(elapsed + forgotten).toFixed(0)} ms`);
  });

  it('serves again after NATS is back: streamed and not, with a new key, and refuses a key revoked afterwards', async () => {
    const restarted = performance.now();
    await nats.start();
    const natsUp = performance.now() - restarted;
    await waitUntil(async () => (await readiness()).status === 'ready', 'the edge did not become ready again');
    const readyAfter = performance.now() - restarted;
    expect(await readiness()).toMatchObject({ status: 'ready', nats: 'connected', workers: 1 });
    // Accounting reconnects on its own schedule (nats.js' reconnect wait and jitter), which may end
    // a moment after the edge's: a key asked for before then finds no responder.
    const accountingAfter = (await waitUntil(async () => Array.isArray(await callAccounting(bus, 'keys.list', { includeRevoked: false })), 'accounting did not answer again')) + readyAfter;

    await chat(key, 'after the restart');
    await streamedChat(key, 'after the restart, streamed');

    const keyStarted = performance.now();
    const fresh = await createKey('after-restart');
    const freshAccepted = performance.now() - keyStarted;
    await chat(fresh.plaintext, 'with a key made after the restart');

    expect(await modelsStatus(doomed.plaintext)).toBe(200);
    const revokeStarted = performance.now();
    await callAccounting(bus, 'keys.revoke', { id: doomed.id });
    const refusedAfter = await waitUntil(async () => (await modelsStatus(doomed.plaintext)) === 401, 'the edge did not refuse the revoked key', 5_000);
    const revokedAt = performance.now() - revokeStarted;
    const refusal = await client(doomed.plaintext)
      .chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'revoked' }] })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(refusal).toMatchObject({ status: 401, code: 'invalid_api_key' });
    answered.push((refusal as APIError).requestID!);

    console.log(
      `after the restart: nats-server accepting after ${natsUp.toFixed(0)} ms, edge ready after ${readyAfter.toFixed(0)} ms, accounting answering after ${accountingAfter.toFixed(0)} ms; ` +
        `new key created and accepted in ${freshAccepted.toFixed(0)} ms; revocation enforced ${refusedAfter.toFixed(0)} ms after accounting answered (${revokedAt.toFixed(0)} ms in all)`,
    );
  });

  it('stores exactly one usage row for every answered request', async () => {
    expect(answered).toHaveLength(7);
    const started = performance.now();
    let counts = new Map<string, number>();
    const missing = () => answered.filter((requestId) => !counts.has(requestId));
    await waitUntil(async () => {
      const { rows } = await database.query<{ request_id: string; rows: string }>('SELECT request_id, count(*) AS rows FROM usage WHERE request_id = ANY($1::text[]) GROUP BY request_id', [answered]);
      counts = new Map(rows.map((row) => [row.request_id, Number(row.rows)]));
      return missing().length === 0;
    }, 'not every answered request got its usage row').catch((error: unknown) => {
      throw new Error(`${String(error)}\nmissing: ${missing().join(', ')}`);
    });
    console.log(`usage: all ${answered.length} rows stored ${(performance.now() - started).toFixed(0)} ms after the last request`);
    for (const requestId of answered) expect(counts.get(requestId), requestId).toBe(1);
    const statuses = await database.query<{ request_id: string; http_status: number }>('SELECT request_id, http_status FROM usage WHERE request_id = ANY($1::text[])', [answered]);
    const statusOf = new Map(statuses.rows.map((row) => [row.request_id, row.http_status]));
    expect(answered.map((requestId) => statusOf.get(requestId))).toEqual([200, 200, 503, 200, 200, 200, 401]);
  });
});
