import { connectBus, encodeJson, type Bus } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { PROTOCOL_VERSION, USAGE_TEXT_LIMITS, storableText, type UsageEvent } from '@corral/protocol';
import { startStack, type Stack } from '@corral/testkit';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyIdNamed, waitForUsageRows, type UsageRow } from './usage-rows.ts';

/**
 * Every request has its usage row, whatever model name the client sent: text Postgres cannot store
 * (NUL, lone surrogates) or names far past the event's limits are made storable on the way, through
 * the real edge → NATS → accounting → Postgres path, never a reason to drop the event.
 */
describe('usage rows for requests with odd model names', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let bus: Bus;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2eoddusage');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 3 } }], accounting: { databaseUrl } });
    database = new pg.Pool({ connectionString: databaseUrl });
    bus = await connectBus({ servers: stack.env.NATS_URL!, name: 'odd-usage-test', prefix: stack.prefix });
  });
  afterAll(async () => {
    await bus?.close();
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const oddModels = {
    'a 10,000-character name': 'm'.repeat(10_000),
    'a NUL in the name': 'llama3.2\u0000:latest',
    'a lone surrogate': 'llama\uD83E3.2',
    'a NUL past the 256th character': `${'n'.repeat(300)}\u0000`,
    'unicode oddities': 'l\u202Eama\u200D🦙\uFEFF\uFFFF\u0301-模型',
    'a cut that would split an emoji': `${'e'.repeat(254)}🦙🦙`,
  };

  /** Posts a JSON body as bytes (no SDK between the test and the edge) and returns the request id the edge answered with. */
  async function post(key: string, path: string, body: unknown): Promise<{ status: number; requestId: string }> {
    const response = await fetch(`${stack.edgeUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.arrayBuffer();
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    return { status: response.status, requestId: requestId! };
  }

  it('stores exactly one row per request on every endpoint, under the storable form of the name asked for', async () => {
    const key = await stack.createKey('odd-models');
    const keyId = await keyIdNamed(database, 'odd-models');
    const sent: Array<{ requestId: string; status: number; model: string; endpoint: string }> = [];
    for (const model of Object.values(oddModels)) {
      const requests: Array<[string, unknown]> = [
        ['/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }],
        ['/v1/chat/completions', { model, stream: true, messages: [{ role: 'user', content: 'hi' }] }],
        ['/v1/completions', { model, prompt: 'hi' }],
        ['/v1/embeddings', { model, input: 'hi' }],
        ['/v1/responses', { model, input: 'hi' }],
      ];
      for (const [endpoint, body] of requests) sent.push({ ...(await post(key, endpoint, body)), model, endpoint });
    }
    // No worker serves these models: each is refused (a client error), and refused requests count too.
    for (const request of sent) {
      expect(request.status, request.endpoint).toBeGreaterThanOrEqual(400);
      expect(request.status, request.endpoint).toBeLessThan(500);
    }

    const rows = await waitForUsageRows(database, keyId, sent.length);
    expect(rows).toHaveLength(sent.length);
    const byId = new Map<string, UsageRow & { model?: string }>(rows.map((row) => [row.request_id, row]));
    for (const request of sent) {
      const expected = storableText(request.model, USAGE_TEXT_LIMITS.alias);
      expect(byId.get(request.requestId), `${request.endpoint} ${JSON.stringify(request.model.slice(0, 40))}`).toMatchObject({
        endpoint: request.endpoint,
        status: 'error',
        http_status: request.status,
        alias: expected,
        model: expected,
      });
    }
    const aliases = rows.map((row) => row.alias);
    expect(aliases.every((alias) => alias.length <= USAGE_TEXT_LIMITS.alias && alias.isWellFormed() && !alias.includes('\u0000'))).toBe(true);
    // The long names were cut with the marker; the ones within the limit kept every character.
    expect(aliases).toContain(`${'m'.repeat(255)}…`);
    expect(aliases).toContain(oddModels['unicode oddities']);
  });

  it('stores events already in the stream that no producer sanitised (published before the fix, or by hand)', async () => {
    const raw = (requestId: string, model: string): UsageEvent => ({
      v: PROTOCOL_VERSION,
      requestId,
      keyId: '00000000-0000-4000-8000-000000000001',
      alias: model,
      model,
      endpoint: '/v1/chat/completions',
      stream: false,
      status: 'error',
      httpStatus: 404,
      errorCode: `model_not_found\u0000${'x'.repeat(100)}`,
      promptTokens: 0,
      completionTokens: 0,
      durationMs: 1,
      startedAt: new Date().toISOString(),
      finishedAt: new Date().toISOString(),
    });
    const events = [raw(`raw-long-${randomUUID()}`, 'r'.repeat(10_000)), raw(`raw-nul-${randomUUID()}`, 'bad\u0000model'), raw(`raw-surrogate-${randomUUID()}`, 'x\uDC00')];
    for (const event of events) {
      // Straight onto the stream, past every producer-side check: JetStream answers a request with its ack.
      const ack = JSON.parse(new TextDecoder().decode((await bus.nc.request(bus.subjects.usage(event.requestId), encodeJson(event), { timeout: 5000 })).data)) as { seq?: number };
      expect(ack.seq).toBeGreaterThan(0);
    }
    const rows = await waitForUsageRows(database, '00000000-0000-4000-8000-000000000001', events.length);
    expect(new Map(rows.map((row) => [row.request_id, row.alias]))).toEqual(new Map(events.map((event) => [event.requestId, storableText(event.alias, USAGE_TEXT_LIMITS.alias)])));
    expect(rows.every((row) => row.error_code === storableText(`model_not_found\u0000${'x'.repeat(100)}`, USAGE_TEXT_LIMITS.errorCode))).toBe(true);
  });
});
