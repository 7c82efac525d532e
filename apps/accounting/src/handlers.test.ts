import { AccountingCallError, callAccounting, openKv } from '@corral/bus';
import { hashApiKey } from '@corral/keys';
import { KeyRecord, ModelConfig, modelConfigKey } from '@corral/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from './testing/index.ts';

describe('accounting operations over NATS', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld('handlers');
    await world.start();
  });
  afterAll(async () => world?.close());

  it('runs a key through create, list, update and revoke, replicating each step to KV', async () => {
    const created = await callAccounting(world.bus, 'keys.create', { name: 'ci', models: ['fast'], rpm: 60, budgetUsd: 5, metadata: { team: 'a' } });
    expect(created.plaintext).toMatch(/^sk-corral-/);
    expect(created.key).toMatchObject({ name: 'ci', models: ['fast'], rpm: 60, tpm: null, budgetUsd: 5, spentUsd: 0, revokedAt: null, metadata: { team: 'a' } });
    expect(created.plaintext.startsWith(created.key.prefix)).toBe(true);

    const bucket = await openKv(world.bus, 'keys');
    const hash = hashApiKey(created.plaintext);
    expect(await bucket.get(hash, KeyRecord)).toMatchObject({ id: created.key.id, models: ['fast'], revokedAt: null });

    const listed = await callAccounting(world.bus, 'keys.list', {});
    const mine = listed.find((key) => key.id === created.key.id);
    expect(mine).toEqual(created.key);
    expect(JSON.stringify(listed)).not.toContain(created.plaintext);
    expect(JSON.stringify(listed)).not.toContain(hash);

    const updated = await callAccounting(world.bus, 'keys.update', { id: created.key.id, models: [], rpm: null, tpm: 1000, name: 'ci-2' });
    expect(updated).toMatchObject({ name: 'ci-2', models: [], rpm: null, tpm: 1000, budgetUsd: 5 });
    expect(await bucket.get(hash, KeyRecord)).toMatchObject({ name: 'ci-2', models: [], rpm: null, tpm: 1000 });

    const unchanged = await callAccounting(world.bus, 'keys.update', { id: created.key.id });
    expect(unchanged.name).toBe('ci-2');

    const revoked = await callAccounting(world.bus, 'keys.revoke', { id: created.key.id });
    expect(revoked.revokedAt).not.toBeNull();
    expect((await bucket.get(hash, KeyRecord))?.revokedAt).toBe(revoked.revokedAt);
    // Revoking twice keeps the first time.
    expect((await callAccounting(world.bus, 'keys.revoke', { id: created.key.id })).revokedAt).toBe(revoked.revokedAt);
    expect((await callAccounting(world.bus, 'keys.list', { includeRevoked: false })).map((key) => key.id)).not.toContain(created.key.id);
  });

  it('answers unknown ids and invalid requests with error replies, and keeps serving', async () => {
    await expect(callAccounting(world.bus, 'keys.revoke', { id: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'not_found' });
    const garbage = await world.bus.nc.request(world.bus.subjects.accounting('keys.create'), new TextEncoder().encode('{nope'), { timeout: 5000 });
    expect(garbage.json()).toMatchObject({ v: 1, ok: false, error: { code: 'bad_request' } });
    const invalid = await world.bus.nc.request(world.bus.subjects.accounting('keys.create'), new TextEncoder().encode('{"v":1,"name":""}'), { timeout: 5000 });
    expect(invalid.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect((await callAccounting(world.bus, 'keys.list', {})).length).toBeGreaterThan(0);
  });

  it('refuses a response id the database could never hold as a bad request, not a database error', async () => {
    const ask = async (operation: 'responses.get' | 'responses.delete' | 'responses.put', body: Record<string, unknown>) =>
      (await world.bus.nc.request(world.bus.subjects.accounting(operation), new TextEncoder().encode(JSON.stringify({ v: 1, keyId: null, ...body })), { timeout: 5000 })).json();
    const put = { model: 'm', messages: [], output: {}, createdAt: '2025-01-01T00:00:00.000Z' };
    for (const id of ['a\u0000b', 'resp_\u0001', 'r'.repeat(129)]) {
      expect(await ask('responses.get', { id })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(await ask('responses.delete', { id })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(await ask('responses.put', { id, ...put })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await callAccounting(world.bus, 'responses.get', { id: 'resp_still_served', keyId: null })).toBeNull();
  });

  it('sets, lists and deletes model aliases, mirrored in KV under an escaped key', async () => {
    const bucket = await openKv(world.bus, 'models');
    const set = await callAccounting(world.bus, 'models.set', { alias: 'fast:latest', target: 'llama3.2:3b', options: { num_ctx: 8192 }, think: 'low', keepAlive: '10m', inputPricePerMTok: 0.5 });
    expect(set).toMatchObject({ alias: 'fast:latest', target: 'llama3.2:3b', options: { num_ctx: 8192 }, think: 'low', keepAlive: '10m', excludeReasoning: false, visible: true, inputPricePerMTok: 0.5, outputPricePerMTok: null });
    expect(await bucket.get(modelConfigKey('fast:latest'), ModelConfig)).toEqual(set);

    const replaced = await callAccounting(world.bus, 'models.set', { alias: 'fast:latest', target: 'qwen3:8b', think: false });
    expect(replaced).toMatchObject({ target: 'qwen3:8b', think: false, keepAlive: null, options: {} });
    expect(await callAccounting(world.bus, 'models.list', {})).toEqual([replaced]);

    expect(await callAccounting(world.bus, 'models.delete', { alias: 'fast:latest' })).toEqual({ deleted: true });
    expect(await callAccounting(world.bus, 'models.delete', { alias: 'fast:latest' })).toEqual({ deleted: false });
    expect(await bucket.get(modelConfigKey('fast:latest'), ModelConfig)).toBeUndefined();
  });

  it('stores responses that only their own key can read', async () => {
    const owner = (await callAccounting(world.bus, 'keys.create', { name: 'owner' })).key.id;
    const other = (await callAccounting(world.bus, 'keys.create', { name: 'other' })).key.id;
    const record = { id: 'resp_1', keyId: owner, model: 'm', messages: [{ role: 'user', content: 'hi' }], output: { text: 'hello' }, createdAt: '2025-01-01T00:00:00.000Z' };
    expect(await callAccounting(world.bus, 'responses.put', record)).toEqual({ stored: true });
    expect(await callAccounting(world.bus, 'responses.get', { id: 'resp_1', keyId: owner })).toEqual(record);
    expect(await callAccounting(world.bus, 'responses.get', { id: 'resp_1', keyId: other })).toBeNull();
    expect(await callAccounting(world.bus, 'responses.get', { id: 'resp_1', keyId: null })).toBeNull();
    // Another key cannot overwrite it.
    expect(await callAccounting(world.bus, 'responses.put', { ...record, keyId: other, output: 'stolen' })).toEqual({ stored: false });
    expect((await callAccounting(world.bus, 'responses.get', { id: 'resp_1', keyId: owner }))?.output).toEqual({ text: 'hello' });
  });

  it('keeps a response\'s input items, and lets only its owner delete it', async () => {
    const owner = (await callAccounting(world.bus, 'keys.create', { name: 'deleting-owner' })).key.id;
    const other = (await callAccounting(world.bus, 'keys.create', { name: 'deleting-other' })).key.id;
    const inputItems = [{ id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'hi' }] }];
    const record = { id: 'resp_del', keyId: owner, model: 'm', messages: [{ role: 'user', content: 'hi' }], output: { text: 'hello' }, inputItems, createdAt: '2025-01-01T00:00:00.000Z' };
    expect(await callAccounting(world.bus, 'responses.put', record)).toEqual({ stored: true });
    expect(await callAccounting(world.bus, 'responses.get', { id: 'resp_del', keyId: owner })).toEqual(record);

    // Another key, no key and an unknown id all get the same answer, and the response stays.
    expect(await callAccounting(world.bus, 'responses.delete', { id: 'resp_del', keyId: other })).toEqual({ deleted: false });
    expect(await callAccounting(world.bus, 'responses.delete', { id: 'resp_del', keyId: null })).toEqual({ deleted: false });
    expect(await callAccounting(world.bus, 'responses.delete', { id: 'resp_missing', keyId: owner })).toEqual({ deleted: false });
    expect(await callAccounting(world.bus, 'responses.get', { id: 'resp_del', keyId: owner })).toEqual(record);

    expect(await callAccounting(world.bus, 'responses.delete', { id: 'resp_del', keyId: owner })).toEqual({ deleted: true });
    expect(await callAccounting(world.bus, 'responses.get', { id: 'resp_del', keyId: owner })).toBeNull();
    expect(await callAccounting(world.bus, 'responses.delete', { id: 'resp_del', keyId: owner })).toEqual({ deleted: false });

    // Without a key: rows owned by nobody, deleted by nobody-keyed callers only.
    const anonymous = { id: 'resp_anon', keyId: null, model: 'm', messages: [], output: {}, createdAt: '2025-01-01T00:00:00.000Z' };
    expect(await callAccounting(world.bus, 'responses.put', anonymous)).toEqual({ stored: true });
    expect(await callAccounting(world.bus, 'responses.get', { id: 'resp_anon', keyId: null })).not.toHaveProperty('inputItems');
    expect(await callAccounting(world.bus, 'responses.delete', { id: 'resp_anon', keyId: owner })).toEqual({ deleted: false });
    expect(await callAccounting(world.bus, 'responses.delete', { id: 'resp_anon', keyId: null })).toEqual({ deleted: true });
  });

  it('never keeps a plaintext key: not in logs, not in any text column, not in a list', async () => {
    const { plaintext } = await callAccounting(world.bus, 'keys.create', { name: 'secret-check' });
    const secret = plaintext.slice('sk-corral-'.length);
    await callAccounting(world.bus, 'keys.list', {});
    expect(world.logs.length).toBeGreaterThan(0);
    expect(world.logs.join('\n')).not.toContain(secret);
    expect(JSON.stringify(await callAccounting(world.bus, 'keys.list', {}))).not.toContain(secret);

    const client = new pg.Client({ connectionString: world.databaseUrl });
    await client.connect();
    try {
      const columns = await client.query<{ table_schema: string; table_name: string; column_name: string }>(
        `SELECT table_schema, table_name, column_name FROM information_schema.columns
         WHERE table_schema IN ('public', 'drizzle') AND data_type IN ('text', 'jsonb', 'ARRAY', 'character varying')`,
      );
      expect(columns.rows.length).toBeGreaterThan(5);
      for (const { table_schema, table_name, column_name } of columns.rows) {
        const found = await client.query(`SELECT 1 FROM "${table_schema}"."${table_name}" WHERE "${column_name}"::text LIKE $1 LIMIT 1`, [`%${secret}%`]);
        expect(found.rowCount, `${table_name}.${column_name}`).toBe(0);
      }
    } finally {
      await client.end();
    }
  });

  it('reports a missing accounting as unavailable', async () => {
    const error = await callAccounting({ ...world.bus, subjects: { ...world.bus.subjects, accounting: () => `${world.prefix}.nobody.home` } }, 'keys.list', {}, 500).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AccountingCallError);
    expect((error as AccountingCallError).code).toBe('unavailable');
  });
});
