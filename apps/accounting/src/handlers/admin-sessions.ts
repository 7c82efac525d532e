import { adminSessions, adminUsers } from '@corral/db';
import { generatePassword, generateSessionToken, hashPassword, hashSessionToken, passwordHashNeedsUpgrade, verifyPassword } from '@corral/keys';
import { ErrorCode, replyError, replyOk } from '@corral/protocol';
import { and, eq, lt } from 'drizzle-orm';
import type { AccountingContext } from '../context.ts';
import type { Handler } from '../serve.ts';
import { adminUserInfoFromRow } from './admin-users.ts';
import { failuresAfterOneMore, lockoutRemainingSeconds, loginGuards, rateLimitedMessage } from './login-throttle.ts';

/** A session ends this long after sign-in, however active. */
export const SESSION_ABSOLUTE_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** A session ends after this long without a request. */
export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
/** last_seen_at is written at most this often per session, to keep page loads from being writes. */
export const SESSION_TOUCH_INTERVAL_MS = 30 * 1000;

/** One answer for an unknown email, a wrong password and a disabled user: none tells which it was. */
const WRONG_CREDENTIALS = 'wrong email or password';
const SESSION_ENDED = 'the session has ended; sign in again';

/**
 * Verified against when the email is unknown, so that answer costs the same scrypt work as a
 * wrong password. Same parameters as real hashes; computed once, of a password nobody knows.
 */
let dummyHash: Promise<string> | undefined;
const dummyPasswordHash = () => (dummyHash ??= hashPassword(generatePassword()));

type UserRow = typeof adminUsers.$inferSelect;

/**
 * Counts this attempt as a failure of the user before the password is checked, with a
 * compare-and-set on the counter: parallel guesses cannot all pass the limit check at once.
 * Returns the seconds to wait when the user is locked out, or the row counted against.
 */
async function reserveUserAttempt(context: AccountingContext, email: string, now: Date): Promise<{ wait: number; user: UserRow | undefined }> {
  for (;;) {
    const [user] = await context.db.select().from(adminUsers).where(eq(adminUsers.email, email));
    if (!user) return { wait: 0, user: undefined };
    const record = { failures: user.failedLogins, lastFailureAt: user.lastFailedLoginAt };
    const wait = lockoutRemainingSeconds(record, now);
    if (wait > 0) return { wait, user };
    const [counted] = await context.db
      .update(adminUsers)
      .set({ failedLogins: failuresAfterOneMore(record, now), lastFailedLoginAt: now })
      .where(and(eq(adminUsers.id, user.id), eq(adminUsers.failedLogins, user.failedLogins)))
      .returning({ id: adminUsers.id });
    if (counted) return { wait: 0, user };
    // Another attempt on this user was counted in between: read again and decide again.
  }
}

/**
 * Sign-in. Refused attempts (locked email or address) do no password work at all; every other
 * attempt costs one scrypt, whether the email exists or not.
 */
export const login: Handler<'admin.login'> = async (context, request) => {
  const email = request.email.trim().toLowerCase();
  const address = request.ip;
  const guards = loginGuards(context);
  const now = new Date();

  const addressWait = address ? guards.byAddress.remainingSeconds(address, now) : 0;
  const unknownWait = guards.byUnknownEmail.remainingSeconds(email, now);
  if (addressWait > 0 || unknownWait > 0) return refuse(context, email, address, Math.max(addressWait, unknownWait));
  const { wait, user } = await reserveUserAttempt(context, email, now);
  if (wait > 0) return refuse(context, email, address, wait);
  if (!user) guards.byUnknownEmail.recordFailure(email, now);
  if (address) guards.byAddress.recordFailure(address, now);

  const matches = await verifyPassword(request.password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !matches || user.disabledAt) {
    context.logger.info({ email, userId: user?.id, ip: address, disabled: user?.disabledAt ? true : undefined }, 'admin sign-in failed');
    return replyError(ErrorCode.Unauthorized, WRONG_CREDENTIALS);
  }
  if (address) guards.byAddress.forgiveOne(address);

  const session = generateSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_LIFETIME_MS);
  // Hashes made with weaker parameters than today's are replaced while the password is at hand.
  const upgradedHash = passwordHashNeedsUpgrade(user.passwordHash) ? await hashPassword(request.password) : undefined;
  const signedIn = await context.db.transaction(async (transaction) => {
    const [updated] = await transaction
      .update(adminUsers)
      .set({ failedLogins: 0, lastFailedLoginAt: null, lastLoginAt: now, ...(upgradedHash ? { passwordHash: upgradedHash } : {}) })
      .where(eq(adminUsers.id, user.id))
      .returning();
    // Sessions past their end are of no use to anyone; a sign-in is a cheap moment to drop them.
    await transaction.delete(adminSessions).where(and(eq(adminSessions.userId, user.id), lt(adminSessions.expiresAt, now)));
    await transaction.insert(adminSessions).values({
      tokenHash: session.hash,
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      ip: address ?? null,
      userAgent: request.userAgent ?? null,
    });
    return updated ?? user;
  });
  context.logger.info({ email, userId: user.id, ip: address }, 'admin signed in');
  return replyOk({ token: session.token, user: adminUserInfoFromRow(signedIn), expiresAt: expiresAt.toISOString() });
};

function refuse(context: AccountingContext, email: string, address: string | undefined, seconds: number) {
  context.logger.warn({ email, ip: address, retryAfterSeconds: seconds }, 'admin sign-in refused: too many failures');
  return Promise.resolve(replyError(ErrorCode.RateLimited, rateLimitedMessage(seconds)));
}

/** A session is good while not revoked, before its absolute end, used within the idle window, and its user enabled. */
export const resolveSession: Handler<'admin.session.resolve'> = async (context, request) => {
  const tokenHash = hashSessionToken(request.token);
  const now = new Date();
  const [found] = await context.db
    .select({ session: adminSessions, user: adminUsers })
    .from(adminSessions)
    .innerJoin(adminUsers, eq(adminUsers.id, adminSessions.userId))
    .where(eq(adminSessions.tokenHash, tokenHash));
  if (!found) return replyError(ErrorCode.Unauthorized, SESSION_ENDED);
  const { session, user } = found;
  const idleFor = now.getTime() - session.lastSeenAt.getTime();
  if (session.revokedAt || session.expiresAt <= now || idleFor >= SESSION_IDLE_TIMEOUT_MS || user.disabledAt) {
    return replyError(ErrorCode.Unauthorized, SESSION_ENDED);
  }
  if (idleFor >= SESSION_TOUCH_INTERVAL_MS) {
    await context.db.update(adminSessions).set({ lastSeenAt: now }).where(eq(adminSessions.tokenHash, tokenHash));
  }
  return replyOk({ user: adminUserInfoFromRow(user), expiresAt: session.expiresAt.toISOString() });
};

/** Idempotent: signing out twice answers the same; an unknown token revokes nothing. */
export const logout: Handler<'admin.logout'> = async (context, request) => {
  const tokenHash = hashSessionToken(request.token);
  const [session] = await context.db.select().from(adminSessions).where(eq(adminSessions.tokenHash, tokenHash));
  if (!session) return replyOk({ revoked: false });
  if (!session.revokedAt) {
    await context.db.update(adminSessions).set({ revokedAt: new Date() }).where(eq(adminSessions.tokenHash, tokenHash));
    context.logger.info({ userId: session.userId }, 'admin signed out');
  }
  return replyOk({ revoked: true });
};
