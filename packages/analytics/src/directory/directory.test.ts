import { createDb, dropDatabase, ensureDatabase, migrate, type DbHandle } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStatusFilter, PAGE_SIZE, findKey, findTeam, keyChoices, listAliases, listKeys, listTeams, teamChoices, type ListKeysOptions, type ListPage } from '../index.ts';

const NOW = new Date('2025-06-15T12:00:00Z');
const KEYS = 90;
const TEAMS = 60;
/** Keys share created_at in runs of this many, so the cursor's id part decides the order inside a run. */
const SAME_TIME_RUN = 7;

/** Every page of a list, following `next` until it ends. */
async function allPages<Row>(list: (after: string | undefined) => Promise<ListPage<Row>>): Promise<Row[][]> {
  const pages: Row[][] = [];
  let after: string | undefined;
  do {
    const page = await list(after);
    pages.push(page.rows);
    after = page.next;
    if (pages.length > 100) throw new Error('the cursor does not advance');
  } while (after);
  return pages;
}

const base64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('directory lists (keys, teams, models) over a real database', () => {
  const databaseUrl = testDatabaseUrl('directory');
  let handle: DbHandle;
  const raw = async (text: string, values: unknown[] = []) => (await handle.pool.query(text, values)).rows;
  let teamIds: string[] = [];

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    await migrate(databaseUrl);
    handle = createDb(databaseUrl);
    // Names chosen so a search for `_` or `%` must match literally, not as a wildcard.
    const teamNames = Array.from({ length: TEAMS }, (_, index) => (index === 0 ? 'under_score' : index === 1 ? 'per%cent' : `team-${String(index).padStart(3, '0')}`));
    teamIds = (await raw(`INSERT INTO teams (name, monthly_budget_usd) SELECT unnest($1::text[]), 100 RETURNING id`, [teamNames])).map((row) => row.id as string);
    await raw(`INSERT INTO team_spend (team_id, month, spent_usd) VALUES ($1, '2025-06-01', 12.5), ($1, '2025-05-01', 99)`, [teamIds[2]]);
    await raw(
      `INSERT INTO api_keys (name, prefix, key_hash, created_at, revoked_at, team_id, spent_usd)
       SELECT CASE WHEN n = 0 THEN 'key_under' WHEN n = 1 THEN 'keyXunder' ELSE 'key-' || lpad(n::text, 3, '0') END,
              'ck-' || lpad(n::text, 4, '0'), 'hash-' || n,
              '2025-06-01 10:00:00.123456+00'::timestamptz + (n / ${SAME_TIME_RUN}) * interval '1 minute',
              CASE WHEN n % 5 = 0 THEN '2025-06-10'::timestamptz END,
              CASE WHEN n % 3 = 0 THEN $1::uuid WHEN n % 3 = 1 THEN $2::uuid END,
              n * 0.25
       FROM generate_series(0, ${KEYS - 1}) AS n`,
      [teamIds[2], teamIds[3]],
    );
    await raw(`INSERT INTO models (alias, target, input_price_per_mtok) VALUES ('b-model', 'llama3', 1.5), ('a-model', 'qwen3', NULL)`);
  }, 60_000);
  afterAll(async () => {
    await handle?.close();
    await dropDatabase(databaseUrl);
  });

  const keyCases: { name: string; options: Omit<ListKeysOptions, 'after'>; where: string; values?: unknown[] }[] = [
    { name: 'every key', options: {}, where: 'true' },
    { name: 'search by name, `_` literal', options: { search: 'y_u' }, where: `name ILIKE '%y\\_u%'` },
    { name: 'search by prefix', options: { search: 'CK-00' }, where: `prefix ILIKE '%ck-00%'` },
    { name: 'one team', options: { teamId: '<team 2>' }, where: 'team_id = $1', values: ['<team 2>'] },
    { name: 'active only', options: { status: KeyStatusFilter.Active }, where: 'revoked_at IS NULL' },
    { name: 'revoked only', options: { status: KeyStatusFilter.Revoked }, where: 'revoked_at IS NOT NULL' },
    { name: 'one team, active, searched', options: { teamId: '<team 3>', status: KeyStatusFilter.Active, search: 'key-' }, where: `team_id = $1 AND revoked_at IS NULL AND name ILIKE '%key-%'`, values: ['<team 3>'] },
  ];

  it.each(keyCases)('keys: $name, paged with the cursor, are exactly the matching rows newest first, no gap, no repeat', async ({ options, where, values = [] }) => {
    const team = (text: unknown) => (text === '<team 2>' ? teamIds[2] : text === '<team 3>' ? teamIds[3] : text);
    const resolved = { ...options, teamId: team(options.teamId) as string | undefined };
    const truth = (await raw(`SELECT id FROM api_keys WHERE ${where} ORDER BY created_at DESC, id DESC`, values.map(team))).map((row) => row.id as string);
    expect(truth.length).toBeGreaterThan(0);
    const pages = await allPages((after) => listKeys(handle.db, { ...resolved, after }));
    expect(pages.flat().map((row) => row.id)).toEqual(truth);
    expect(pages.length).toBe(Math.max(1, Math.ceil(truth.length / PAGE_SIZE)));
    expect(pages.slice(0, -1).every((page) => page.length === PAGE_SIZE)).toBe(true);
  });

  it('a search for `_` matches the underscore only, not any character', async () => {
    expect((await listKeys(handle.db, { search: 'y_u' })).rows.map((row) => row.name)).toEqual(['key_under']);
    expect((await listKeys(handle.db, { search: 'yXu' })).rows.map((row) => row.name)).toEqual(['keyXunder']);
    expect((await listTeams(handle.db, { search: 'r%c' })).rows.map((row) => row.name)).toEqual(['per%cent']);
    expect((await listTeams(handle.db, { search: '_' })).rows.map((row) => row.name)).toEqual(['under_score']);
  });

  it('keys rows carry their team name and numbers as numbers; findKey finds one and not an unknown id', async () => {
    const [key] = await raw(`SELECT id FROM api_keys WHERE name = 'key-003'`);
    const found = await findKey(handle.db, key!.id as string);
    expect(found).toMatchObject({ name: 'key-003', prefix: 'ck-0003', teamId: teamIds[2], teamName: 'team-002', spentUsd: 0.75, budgetUsd: null, revokedAt: null });
    expect(found!.createdAt).toBeInstanceOf(Date);
    expect(await findKey(handle.db, '00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('teams, paged by name with the cursor, are every team once in order, with this month’s spend and active keys', async () => {
    const pages = await allPages((after) => listTeams(handle.db, { after, now: NOW }));
    expect(pages.length).toBe(Math.ceil(TEAMS / PAGE_SIZE));
    const truth = (await raw(`SELECT name FROM teams ORDER BY name`)).map((row) => row.name as string);
    expect(pages.flat().map((row) => row.name)).toEqual(truth);
    const busy = pages.flat().find((row) => row.id === teamIds[2])!;
    const [active] = await raw(`SELECT count(*)::int AS count FROM api_keys WHERE team_id = $1 AND revoked_at IS NULL`, [teamIds[2]]);
    expect(busy).toMatchObject({ spentThisMonthUsd: 12.5, monthlyBudgetUsd: 100, activeKeys: active!.count });
    expect((await findTeam(handle.db, teamIds[2]!, new Date('2025-05-20T00:00:00Z')))?.spentThisMonthUsd).toBe(99);
    expect((await findTeam(handle.db, teamIds[4]!, NOW))?.spentThisMonthUsd).toBe(0);
  });

  it.each([
    ['not base64url at all', 'a cursor!'],
    ['JSON of another shape', base64url({ createdAt: 'x' })],
    ['SQL in the timestamp', base64url(['x; DROP TABLE api_keys', '00000000-0000-4000-8000-000000000000'])],
    ['a timestamp and a non-uuid id', base64url(['2025-06-01 10:05:00.123456+00', '1'])],
    ['too many values', base64url(['2025-06-01 10:05:00.123456+00', '00000000-0000-4000-8000-000000000000', 'x'])],
    ['numbers, not text', base64url([1, 2])],
    ['not JSON', base64url('[')],
    ['far too long', 'A'.repeat(5000)],
  ])('keys: a forged cursor (%s) is refused: the first page, no database error', async (_name, cursor) => {
    const first = await listKeys(handle.db, {});
    expect(await listKeys(handle.db, { after: cursor })).toEqual(first);
  });

  it.each([
    ['a number', base64url([42])],
    ['an empty name', base64url([''])],
    ['two values', base64url(['team-010', 'team-020'])],
    ['a name over 200 characters', base64url(['x'.repeat(201)])],
  ])('teams: a forged cursor (%s) is refused: the first page', async (_name, cursor) => {
    const first = await listTeams(handle.db, { now: NOW });
    expect(await listTeams(handle.db, { after: cursor, now: NOW })).toEqual(first);
  });

  it('teams: a cursor naming a team that was never there still pages from that name', async () => {
    const { rows } = await listTeams(handle.db, { after: base64url(['team-050']), now: NOW });
    expect(rows[0]?.name).toBe('team-051');
  });

  it('pickers: team choices by name; key choices for a team keep the selected key of another team', async () => {
    const teams = await teamChoices(handle.db);
    expect(teams).toHaveLength(TEAMS);
    expect(teams[0]).toEqual({ value: expect.any(String), label: 'per%cent' });
    const [other] = await raw(`SELECT id FROM api_keys WHERE team_id = $1 ORDER BY name LIMIT 1`, [teamIds[3]]);
    const choices = await keyChoices(handle.db, { teamId: teamIds[2], selectedKeyId: other!.id as string });
    const [count] = await raw(`SELECT count(*)::int AS count FROM api_keys WHERE team_id = $1`, [teamIds[2]]);
    expect(choices).toHaveLength(count!.count + 1);
    expect(choices.map((choice) => choice.value)).toContain(other!.id);
    expect(choices.find((choice) => choice.label.startsWith('key-003'))?.label).toBe('key-003 (ck-0003)');
  });

  it('aliases by name, prices as numbers', async () => {
    const aliases = await listAliases(handle.db);
    expect(aliases.map((alias) => [alias.alias, alias.inputPricePerMTok, alias.think])).toEqual([
      ['a-model', null, null],
      ['b-model', 1.5, null],
    ]);
  });
});
