import { adminSessions, adminUsers } from '@corral/db';
import { hashPassword } from '@corral/keys';
import { AdminRole, ErrorCode, replyError, replyOk, type AdminUserInfo } from '@corral/protocol';
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Handler } from '../serve.ts';

type AdminUserRow = typeof adminUsers.$inferSelect;

/** A user as the admin app sees them: never the hash, never the failure counters. */
export function adminUserInfoFromRow(row: AdminUserRow): AdminUserInfo {
  return {
    id: row.id,
    email: row.email,
    role: AdminRole.parse(row.role),
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    disabledAt: row.disabledAt?.toISOString() ?? null,
  };
}

/** The email arrives lower-cased and trimmed (protocol schema); the unique index makes a duplicate a conflict. */
export const createAdminUser: Handler<'admin.users.create'> = async (context, request) => {
  const passwordHash = await hashPassword(request.password);
  const [row] = await context.db
    .insert(adminUsers)
    .values({ email: request.email, role: request.role, passwordHash })
    .onConflictDoNothing({ target: adminUsers.email })
    .returning();
  if (!row) return replyError(ErrorCode.Conflict, `an admin user with email ${request.email} already exists`);
  context.logger.info({ userId: row.id, email: row.email, role: row.role }, 'admin user created');
  return replyOk(adminUserInfoFromRow(row));
};

export const listAdminUsers: Handler<'admin.users.list'> = async (context) => {
  const rows = await context.db.select().from(adminUsers).orderBy(asc(adminUsers.createdAt), asc(adminUsers.email));
  return replyOk(rows.map(adminUserInfoFromRow));
};

/**
 * A new password also clears the failure counter (an operator vouched for the user) and revokes
 * every open session, so whoever knew the old password is signed out.
 */
export const setAdminPassword: Handler<'admin.users.setPassword'> = async (context, request) => {
  const passwordHash = await hashPassword(request.password);
  const outcome = await context.db.transaction(async (transaction) => {
    const [user] = await transaction
      .update(adminUsers)
      .set({ passwordHash, failedLogins: 0, lastFailedLoginAt: null })
      .where(eq(adminUsers.email, request.email))
      .returning();
    if (!user) return undefined;
    const revoked = await transaction
      .update(adminSessions)
      .set({ revokedAt: new Date() })
      .where(and(eq(adminSessions.userId, user.id), isNull(adminSessions.revokedAt)))
      .returning({ tokenHash: adminSessions.tokenHash });
    return { user, revokedSessions: revoked.length };
  });
  if (!outcome) return replyError(ErrorCode.NotFound, `no admin user with email ${request.email}`);
  context.logger.info({ userId: outcome.user.id, email: outcome.user.email, revokedSessions: outcome.revokedSessions }, 'admin password set');
  return replyOk({ user: adminUserInfoFromRow(outcome.user), revokedSessions: outcome.revokedSessions });
};
