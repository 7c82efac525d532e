import { AccountingCallError, callAccounting } from '@corral/bus';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, scalar, type TestWorld } from './testing/index.ts';

const PASSWORD = 'a long enough passphrase';

/** The error an accounting call was answered with (code and message), or a failed expectation. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof AccountingCallError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('admin users, sign-in and sessions over NATS', () => {
  let world: TestWorld;
  let database: pg.Client;
  beforeAll(async () => {
    world = await createTestWorld('adminauth');
    await world.start();
    database = new pg.Client({ connectionString: world.databaseUrl });
    await database.connect();
  });
  afterAll(async () => {
    await database?.end();
    await world?.close();
  });

  const createUser = (email: string, role?: 'admin' | 'viewer') => callAccounting(world.bus, 'admin.users.create', { email, password: PASSWORD, ...(role ? { role } : {}) });
  const signIn = (email: string, password = PASSWORD, ip?: string) => callAccounting(world.bus, 'admin.login', { email, password, ...(ip ? { ip } : {}), userAgent: 'vitest' });
  const failures = (email: string) => scalar(world.databaseUrl, 'select failed_logins as value from admin_users where email = $1', [email]);

  it('creates users with a normalised unique email, refuses a duplicate, and keeps the hash to itself', async () => {
    const created = await createUser('  Ada@Example.COM ');
    expect(created).toMatchObject({ email: 'ada@example.com', role: 'admin', lastLoginAt: null, disabledAt: null });
    expect(await refusal(createUser('ada@example.com', 'viewer'))).toMatchObject({ code: 'conflict' });
    const stored = (await database.query<{ password_hash: string }>('select password_hash from admin_users where id = $1', [created.id])).rows[0]!.password_hash;
    expect(stored).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    const listed = await callAccounting(world.bus, 'admin.users.list', {});
    expect(listed.find((user) => user.id === created.id)).toEqual(created);
    expect(JSON.stringify(listed)).not.toContain(stored);
    expect(await refusal(callAccounting(world.bus, 'admin.users.create', { email: 'short@example.com', password: 'too short' }))).toMatchObject({ code: 'bad_request' });
  });

  it('stores and returns the viewer role', async () => {
    const viewer = await createUser('viewer@example.com', 'viewer');
    expect(viewer.role).toBe('viewer');
    expect((await callAccounting(world.bus, 'admin.users.list', {})).find((user) => user.id === viewer.id)?.role).toBe('viewer');
    const signedIn = await signIn('viewer@example.com');
    expect(signedIn.user.role).toBe('viewer');
    expect((await callAccounting(world.bus, 'admin.session.resolve', { token: signedIn.token })).user.role).toBe('viewer');
  });

  it('signs in, resolves the session, signs out, and then refuses the session', async () => {
    const user = await createUser('grace@example.com');
    const signedIn = await signIn('GRACE@example.com', PASSWORD, '192.0.2.10');
    expect(signedIn.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signedIn.user).toMatchObject({ id: user.id, email: 'grace@example.com' });
    expect(signedIn.user.lastLoginAt).not.toBeNull();
    const lifetimeHours = (Date.parse(signedIn.expiresAt) - Date.parse(signedIn.user.lastLoginAt!)) / 3_600_000;
    expect(lifetimeHours).toBe(12);

    const session = (await database.query('select token_hash, ip, user_agent from admin_sessions where user_id = $1', [user.id])).rows[0] as { token_hash: string; ip: string; user_agent: string };
    expect(session).toMatchObject({ ip: '192.0.2.10', user_agent: 'vitest' });
    expect(session.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(session.token_hash).not.toContain(signedIn.token);

    expect(await callAccounting(world.bus, 'admin.session.resolve', { token: signedIn.token })).toEqual({ user: signedIn.user, expiresAt: signedIn.expiresAt });
    expect(await callAccounting(world.bus, 'admin.logout', { token: signedIn.token })).toEqual({ revoked: true });
    expect(await callAccounting(world.bus, 'admin.logout', { token: signedIn.token })).toEqual({ revoked: true });
    expect(await refusal(callAccounting(world.bus, 'admin.session.resolve', { token: signedIn.token }))).toMatchObject({ code: 'unauthorized' });
    expect(await callAccounting(world.bus, 'admin.logout', { token: 'never-issued' })).toEqual({ revoked: false });
    expect(await refusal(callAccounting(world.bus, 'admin.session.resolve', { token: 'never-issued' }))).toMatchObject({ code: 'unauthorized' });

    const logged = world.logs.join('\n');
    expect(logged).toContain('grace@example.com');
    expect(logged).not.toContain(signedIn.token);
    expect(logged).not.toContain(PASSWORD);
  });

  it('answers a wrong password and an unknown email alike', async () => {
    await createUser('alan@example.com');
    const wrongPassword = await refusal(signIn('alan@example.com', 'not the passphrase'));
    const unknownEmail = await refusal(signIn('nobody@example.com', 'not the passphrase'));
    expect(wrongPassword).toEqual({ code: 'unauthorized', message: 'wrong email or password' });
    expect(unknownEmail).toEqual(wrongPassword);
    expect(world.logs.join('\n')).not.toContain('not the passphrase');
  });

  it('refuses a disabled user with the same answer, and ends their open sessions', async () => {
    const user = await createUser('disabled@example.com');
    const signedIn = await signIn('disabled@example.com');
    await database.query('update admin_users set disabled_at = now() where id = $1', [user.id]);
    expect(await refusal(signIn('disabled@example.com'))).toEqual({ code: 'unauthorized', message: 'wrong email or password' });
    expect(await refusal(callAccounting(world.bus, 'admin.session.resolve', { token: signedIn.token }))).toMatchObject({ code: 'unauthorized' });
  });

  it('locks an email after five failures, refuses even the right password during the lockout, and resets on success', async () => {
    await createUser('locked@example.com');
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await refusal(signIn('locked@example.com', 'wrong guess #1'))).code).toBe('unauthorized');
    expect(await failures('locked@example.com')).toBe(5);

    const refused = await refusal(signIn('locked@example.com'));
    expect(refused.code).toBe('rate_limited');
    const retryAfter = Number(/retry after (\d+) s/.exec(refused.message)?.[1]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A refused attempt is not counted (and not verified): the lockout does not grow by hammering.
    expect(await failures('locked@example.com')).toBe(5);

    // The lockout passes (the last failure moved a minute back); a sixth failure doubles the wait.
    await database.query("update admin_users set last_failed_login_at = now() - interval '61 seconds' where email = $1", ['locked@example.com']);
    expect((await refusal(signIn('locked@example.com', 'wrong guess #2'))).code).toBe('unauthorized');
    const doubled = await refusal(signIn('locked@example.com'));
    expect(Number(/retry after (\d+) s/.exec(doubled.message)?.[1])).toBeGreaterThan(60);

    await database.query("update admin_users set last_failed_login_at = now() - interval '121 seconds' where email = $1", ['locked@example.com']);
    const signedIn = await signIn('locked@example.com');
    expect(signedIn.user.email).toBe('locked@example.com');
    expect(await failures('locked@example.com')).toBe(0);
    expect(await scalar(world.databaseUrl, 'select count(*) as value from admin_users where email = $1 and last_failed_login_at is null', ['locked@example.com'])).toBe(1);
  });

  it('counts parallel guesses one by one: no more than five get checked before the lockout', async () => {
    await createUser('burst@example.com');
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => refusal(signIn('burst@example.com', 'parallel guess'))));
    const codes = outcomes.map((outcome) => outcome.code).sort();
    expect(codes).toEqual(['rate_limited', 'rate_limited', 'rate_limited', 'unauthorized', 'unauthorized', 'unauthorized', 'unauthorized', 'unauthorized']);
    expect(await failures('burst@example.com')).toBe(5);
  });

  it('locks unknown emails the same way, so a lockout does not reveal that an account exists', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) await refusal(signIn('ghost@example.com', 'guess'));
    expect((await refusal(signIn('ghost@example.com', 'guess'))).code).toBe('rate_limited');
  });

  it('locks an address after five failures across emails, while other addresses still sign in', async () => {
    await createUser('shared@example.com');
    for (let attempt = 0; attempt < 5; attempt += 1) await refusal(signIn(`spray${attempt}@example.com`, 'guess', '198.51.100.7'));
    expect((await refusal(signIn('shared@example.com', PASSWORD, '198.51.100.7'))).code).toBe('rate_limited');
    expect((await signIn('shared@example.com', PASSWORD, '198.51.100.8')).user.email).toBe('shared@example.com');
    // Successful sign-ins do not count against an address.
    for (let attempt = 0; attempt < 6; attempt += 1) await signIn('shared@example.com', PASSWORD, '198.51.100.9');
  });

  it('ends a session idle for 30 minutes and one past its absolute end', async () => {
    await createUser('expiry@example.com');
    const idle = await signIn('expiry@example.com');
    const old = await signIn('expiry@example.com');
    const hashOf = (token: string) => scalar(world.databaseUrl, "select count(*) as value from admin_sessions where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [token]);
    expect(await hashOf(idle.token)).toBe(1);

    await database.query("update admin_sessions set last_seen_at = now() - interval '31 minutes' where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [idle.token]);
    expect(await refusal(callAccounting(world.bus, 'admin.session.resolve', { token: idle.token }))).toMatchObject({ code: 'unauthorized' });

    await database.query("update admin_sessions set expires_at = now() - interval '1 second' where token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')", [old.token]);
    expect(await refusal(callAccounting(world.bus, 'admin.session.resolve', { token: old.token }))).toMatchObject({ code: 'unauthorized' });
  });

  it('marks a session seen at most every 30 seconds', async () => {
    await createUser('touch@example.com');
    const { token } = await signIn('touch@example.com');
    const where = "token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')";
    const secondsSinceSeen = () => scalar(world.databaseUrl, `select extract(epoch from now() - last_seen_at) as value from admin_sessions where ${where}`, [token]);

    await database.query(`update admin_sessions set last_seen_at = now() - interval '10 minutes' where ${where}`, [token]);
    await callAccounting(world.bus, 'admin.session.resolve', { token });
    expect(await secondsSinceSeen()).toBeLessThan(60);

    await database.query(`update admin_sessions set last_seen_at = now() - interval '5 seconds' where ${where}`, [token]);
    const before = await scalar(world.databaseUrl, `select extract(epoch from last_seen_at) as value from admin_sessions where ${where}`, [token]);
    await callAccounting(world.bus, 'admin.session.resolve', { token });
    expect(await scalar(world.databaseUrl, `select extract(epoch from last_seen_at) as value from admin_sessions where ${where}`, [token])).toBe(before);
  });

  it('sets a new password, revoking every session of that user', async () => {
    await createUser('reset@example.com');
    const first = await signIn('reset@example.com');
    const second = await signIn('reset@example.com');
    const result = await callAccounting(world.bus, 'admin.users.setPassword', { email: 'reset@example.com', password: 'a brand new passphrase' });
    expect(result).toMatchObject({ user: { email: 'reset@example.com' }, revokedSessions: 2 });
    for (const { token } of [first, second]) expect((await refusal(callAccounting(world.bus, 'admin.session.resolve', { token }))).code).toBe('unauthorized');
    expect((await refusal(signIn('reset@example.com'))).code).toBe('unauthorized');
    expect((await signIn('reset@example.com', 'a brand new passphrase')).user.email).toBe('reset@example.com');
    expect(await refusal(callAccounting(world.bus, 'admin.users.setPassword', { email: 'missing@example.com', password: 'a brand new passphrase' }))).toMatchObject({ code: 'not_found' });
  });
});
