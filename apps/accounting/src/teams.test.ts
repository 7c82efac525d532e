import { AccountingCallError, callAccounting, openKv, publishUsage, type KvBucket } from '@corral/bus';
import { createDb, type DbHandle } from '@corral/db';
import { hashApiKey } from '@corral/keys';
import { KeyRecord, TeamRecord } from '@corral/protocol';
import { usageEvent } from '@corral/protocol/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountingContext } from './context.ts';
import { createLogger } from '@corral/log';
import { reconcile } from './reconcile.ts';
import { createTestWorld, eventually, scalar, type TestWorld } from './testing/index.ts';
import { ingestUsage } from './usage/ingest.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const thisMonth = () => new Date().toISOString().slice(0, 7);

async function failure(promise: Promise<unknown>): Promise<AccountingCallError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AccountingCallError);
  return error as AccountingCallError;
}

describe('teams in accounting', () => {
  let world: TestWorld;
  let handle: DbHandle;
  let bucket: KvBucket;
  beforeAll(async () => {
    // No timer: the reconcile test drives its own pass.
    world = await createTestWorld('teams', { resyncIntervalMs: 0 });
    await world.start();
    handle = createDb(world.databaseUrl);
    bucket = await openKv(world.bus, 'teams');
  });
  afterAll(async () => {
    await handle?.close();
    await world?.close();
  });

  it('runs a team through create, list, update and delete, replicating each step to KV', async () => {
    const created = await callAccounting(world.bus, 'teams.create', { name: 'research', models: ['fast'], rpm: 60, monthlyBudgetUsd: 25 });
    expect(created).toMatchObject({ name: 'research', models: ['fast'], rpm: 60, tpm: null, monthlyBudgetUsd: 25, spentThisMonthUsd: 0, activeKeys: 0 });
    expect(await bucket.get(created.id, TeamRecord)).toEqual({
      v: 1,
      id: created.id,
      name: 'research',
      models: ['fast'],
      rpm: 60,
      tpm: null,
      monthlyBudgetUsd: 25,
      month: thisMonth(),
      spentUsd: 0,
    });
    expect((await callAccounting(world.bus, 'teams.list', {})).find((team) => team.id === created.id)).toEqual(created);

    const updated = await callAccounting(world.bus, 'teams.update', { id: created.id, name: 'research-2', models: [], rpm: null, tpm: 5000 });
    expect(updated).toMatchObject({ name: 'research-2', models: [], rpm: null, tpm: 5000, monthlyBudgetUsd: 25 });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect(await bucket.get(created.id, TeamRecord)).toMatchObject({ name: 'research-2', models: [], rpm: null, tpm: 5000 });
    expect((await callAccounting(world.bus, 'teams.update', { id: created.id })).name).toBe('research-2');

    expect(await callAccounting(world.bus, 'teams.delete', { id: created.id })).toEqual({ deleted: true });
    expect(await bucket.get(created.id, TeamRecord)).toBeUndefined();
    expect(await callAccounting(world.bus, 'teams.delete', { id: created.id })).toEqual({ deleted: false });
    expect((await failure(callAccounting(world.bus, 'teams.update', { id: created.id, rpm: 1 }))).code).toBe('not_found');
  });

  it('answers a name already taken with a conflict, on create and on rename', async () => {
    const first = await callAccounting(world.bus, 'teams.create', { name: 'taken' });
    const second = await callAccounting(world.bus, 'teams.create', { name: 'free' });
    const onCreate = await failure(callAccounting(world.bus, 'teams.create', { name: 'taken' }));
    expect(onCreate).toMatchObject({ code: 'conflict' });
    expect(onCreate.message).toContain("'taken' already exists");
    expect(await failure(callAccounting(world.bus, 'teams.update', { id: second.id, name: 'taken' }))).toMatchObject({ code: 'conflict' });
    expect((await callAccounting(world.bus, 'teams.list', {})).map((team) => team.name)).toEqual(expect.arrayContaining(['taken', 'free']));
    await callAccounting(world.bus, 'teams.delete', { id: first.id });
    await callAccounting(world.bus, 'teams.delete', { id: second.id });
  });

  it('gives keys a team, refuses an unknown one, and refuses to delete a team while it owns live keys', async () => {
    const team = await callAccounting(world.bus, 'teams.create', { name: 'owners' });
    expect((await failure(callAccounting(world.bus, 'keys.create', { name: 'lost', teamId: UNKNOWN }))).code).toBe('not_found');
    expect(await scalar(world.databaseUrl, "SELECT count(*) AS value FROM api_keys WHERE name = 'lost'")).toBe(0);

    const { key, plaintext } = await callAccounting(world.bus, 'keys.create', { name: 'member', teamId: team.id });
    expect(key.teamId).toBe(team.id);
    const keys = await openKv(world.bus, 'keys');
    expect((await keys.get(hashApiKey(plaintext), KeyRecord))?.teamId).toBe(team.id);
    expect((await callAccounting(world.bus, 'teams.list', {})).find((candidate) => candidate.id === team.id)?.activeKeys).toBe(1);

    expect((await failure(callAccounting(world.bus, 'keys.update', { id: key.id, teamId: UNKNOWN }))).code).toBe('not_found');
    expect((await callAccounting(world.bus, 'keys.list', {})).find((candidate) => candidate.id === key.id)?.teamId).toBe(team.id);

    const refused = await failure(callAccounting(world.bus, 'teams.delete', { id: team.id }));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toContain('1 key(s) that are not revoked');
    expect(await bucket.get(team.id, TeamRecord)).toBeDefined();

    // Moving the key out, then back in and revoking it: both free the team.
    expect((await callAccounting(world.bus, 'keys.update', { id: key.id, teamId: null })).teamId).toBeNull();
    await callAccounting(world.bus, 'keys.update', { id: key.id, teamId: team.id });
    await callAccounting(world.bus, 'keys.revoke', { id: key.id });
    expect(await callAccounting(world.bus, 'teams.delete', { id: team.id })).toEqual({ deleted: true });
    expect((await keys.get(hashApiKey(plaintext), KeyRecord))?.teamId).toBeNull();
  });

  it('heals a lost or stale team record and removes one of a team that is gone', async () => {
    const team = await callAccounting(world.bus, 'teams.create', { name: 'drifting', tpm: 100 });
    const context: AccountingContext = {
      db: handle.db,
      bus: world.bus,
      keys: await openKv(world.bus, 'keys'),
      models: await openKv(world.bus, 'models'),
      teams: bucket,
      logger: createLogger({ service: 'accounting', level: 'debug', write: (line) => world.logs.push(line) }),
    };
    await bucket.delete(team.id);
    await bucket.put(UNKNOWN, TeamRecord, { v: 1, id: UNKNOWN, name: 'ghost', models: [], rpm: null, tpm: null, monthlyBudgetUsd: null, month: thisMonth(), spentUsd: 0 });
    expect(await reconcile(context)).toMatchObject({ written: 1, removed: 1 });
    expect(await bucket.get(team.id, TeamRecord)).toMatchObject({ name: 'drifting', tpm: 100 });
    expect(await bucket.get(UNKNOWN, TeamRecord)).toBeUndefined();

    // Last month's spend in KV: rewritten as this month's.
    await bucket.put(team.id, TeamRecord, { v: 1, id: team.id, name: 'drifting', models: [], rpm: null, tpm: 100, monthlyBudgetUsd: null, month: '2000-01', spentUsd: 9 });
    expect(await reconcile(context)).toMatchObject({ written: 1, removed: 0 });
    expect(await bucket.get(team.id, TeamRecord)).toMatchObject({ month: thisMonth(), spentUsd: 0 });
    expect(await reconcile(context)).toMatchObject({ written: 0, removed: 0 });
    await callAccounting(world.bus, 'teams.delete', { id: team.id });
  });

  it('charges usage to the key and its team once per request, in the month it started, and stamps the team on rows and rollups', async () => {
    const team = await callAccounting(world.bus, 'teams.create', { name: 'metered', monthlyBudgetUsd: 100 });
    const { key } = await callAccounting(world.bus, 'keys.create', { name: 'metered-key', teamId: team.id });
    const { key: loner } = await callAccounting(world.bus, 'keys.create', { name: 'no-team' });
    await callAccounting(world.bus, 'models.set', { alias: 'priced', target: 'llama3.2:3b', inputPricePerMTok: 1, outputPricePerMTok: 2 });
    const now = new Date().toISOString();
    // 10 prompt + 20 completion tokens at 1 and 2 per million: 0.00005 each.
    const events = [
      usageEvent('team-now-1', { keyId: key.id, alias: 'priced', startedAt: now }),
      usageEvent('team-now-2', { keyId: key.id, alias: 'priced', startedAt: now }),
      usageEvent('team-old', { keyId: key.id, alias: 'priced', startedAt: '2025-01-31T23:59:59.000Z' }),
      usageEvent('loner', { keyId: loner.id, alias: 'priced', startedAt: now }),
    ];
    for (const event of events) await publishUsage(world.bus, event);
    const replicated = await eventually(async () => {
      const record = await bucket.get(team.id, TeamRecord);
      return record && record.spentUsd > 0 ? record : undefined;
    });
    expect(replicated.month).toBe(thisMonth());
    expect(replicated.spentUsd).toBeCloseTo(0.0001, 12);
    expect(await scalar(world.databaseUrl, "SELECT spent_usd AS value FROM team_spend WHERE team_id = $1 AND month = '2025-01-01'", [team.id])).toBeCloseTo(0.00005, 12);
    expect(await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM team_spend')).toBe(2);
    expect(await scalar(world.databaseUrl, 'SELECT spent_usd AS value FROM api_keys WHERE id = $1', [key.id])).toBeCloseTo(0.00015, 12);
    expect(await scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage WHERE team_id = $1', [team.id])).toBe(3);
    expect(await scalar(world.databaseUrl, "SELECT count(*) AS value FROM usage WHERE request_id = 'loner' AND team_id IS NULL")).toBe(1);
    for (const table of ['usage_hourly', 'usage_daily']) {
      expect(await scalar(world.databaseUrl, `SELECT sum(requests) AS value FROM ${table} WHERE team_id = $1`, [team.id])).toBe(3);
      expect(await scalar(world.databaseUrl, `SELECT count(*) AS value FROM ${table} WHERE key_id = $1 AND team_id IS NULL`, [loner.id])).toBe(1);
    }
    expect((await callAccounting(world.bus, 'teams.list', {})).find((candidate) => candidate.id === team.id)?.spentThisMonthUsd).toBeCloseTo(0.0001, 12);

    // A redelivered batch charges nothing again.
    expect(await ingestUsage(handle.db, events)).toEqual({ inserted: 0, duplicates: 4, chargedKeyIds: [], chargedTeamIds: [] });
    const fresh = await ingestUsage(handle.db, [...events, usageEvent('team-now-3', { keyId: key.id, alias: 'priced', startedAt: now })]);
    expect(fresh).toEqual({ inserted: 1, duplicates: 4, chargedKeyIds: [key.id], chargedTeamIds: [team.id] });
    expect(await scalar(world.databaseUrl, 'SELECT sum(spent_usd) AS value FROM team_spend WHERE team_id = $1', [team.id])).toBeCloseTo(0.0002, 12);
  });
});
