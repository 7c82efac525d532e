import { z } from 'zod';
import { Timestamp, version } from './common.ts';

export const AdminRole = z.enum(['admin', 'viewer']);
export type AdminRole = z.infer<typeof AdminRole>;

const Email = z.string().trim().toLowerCase().max(320).pipe(z.email());
/** Long passphrases are welcome; the cap only keeps hashing bounded. */
const Password = z.string().min(12).max(1024);

export const AdminUserInfo = z.object({
  id: z.uuid(),
  email: z.string(),
  role: AdminRole,
  createdAt: Timestamp,
  lastLoginAt: Timestamp.nullable(),
  disabledAt: Timestamp.nullable(),
});
export type AdminUserInfo = z.infer<typeof AdminUserInfo>;

/** The password is hashed by accounting (memory-hard) and never stored or sent back. */
export const AdminUserCreateRequest = z.object({ ...version, email: Email, role: AdminRole.default('admin'), password: Password });
export const AdminUserCreateResult = AdminUserInfo;

/**
 * Replaces a user's password (operator reset; no self-service flow yet) and revokes every session
 * of that user, so whoever held the old password is signed out everywhere.
 */
export const AdminUserSetPasswordRequest = z.object({ ...version, email: Email, password: Password });
export const AdminUserSetPasswordResult = z.object({ user: AdminUserInfo, revokedSessions: z.number().int().nonnegative() });

export const AdminUserListRequest = z.object({ ...version });
export const AdminUserListResult = z.array(AdminUserInfo);

/**
 * A sign-in attempt. Wrong credentials and unknown emails get the same answer (unauthorized);
 * repeated failures for an email or from an address are slowed and then refused for a while
 * (the error carries how long to wait).
 */
export const AdminLoginRequest = z.object({ ...version, email: z.string().max(320), password: z.string().max(1024), ip: z.string().max(64).optional(), userAgent: z.string().max(512).optional() });
/** The only message that carries a session token; only its hash is stored. */
export const AdminLoginResult = z.object({ token: z.string(), user: AdminUserInfo, expiresAt: Timestamp });

/** Resolves a session cookie: refused when unknown, revoked, idle too long or past its end; marks it seen. */
export const AdminSessionResolveRequest = z.object({ ...version, token: z.string().max(256) });
export const AdminSessionResolveResult = z.object({ user: AdminUserInfo, expiresAt: Timestamp });

export const AdminLogoutRequest = z.object({ ...version, token: z.string().max(256) });
export const AdminLogoutResult = z.object({ revoked: z.boolean() });
