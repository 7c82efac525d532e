import 'server-only';
import { cache } from 'react';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { AccountingCallError, callAccounting } from '@corral/bus';
import type { AdminUserInfo } from '@corral/protocol';
import { bus } from './bus.ts';
import { Refusal, RefusalCode } from './refusal.ts';

/** The cookie that carries the session token (httpOnly; accounting stores only its hash). */
export const SESSION_COOKIE = 'corral_session';

export interface Session {
  user: AdminUserInfo;
  expiresAt: string;
}

/** Codes that mean "this token signs no one in", as opposed to accounting being unreachable. */
const NOT_SIGNED_IN = new Set(['unauthorized', 'not_found', 'bad_request', 'forbidden']);

/**
 * The signed-in user of this request, or null. Resolved by accounting once per request (React's
 * cache lasts one request), so a revoked session stops working on the very next one.
 * Accounting being unreachable is thrown, not treated as signed out: the error page says so.
 */
export const currentSession = cache(async (): Promise<Session | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token || token.length > 256) return null;
  try {
    return await callAccounting(await bus(), 'admin.session.resolve', { token });
  } catch (error) {
    if (error instanceof AccountingCallError && NOT_SIGNED_IN.has(error.code)) return null;
    throw error;
  }
});

/** For pages: the signed-in user, or a redirect to /login. */
export async function requireUser(): Promise<AdminUserInfo> {
  const session = await currentSession();
  if (!session) redirect('/login');
  return session.user;
}

/** For mutations: the signed-in admin, or a typed refusal (a viewer is refused here, by the server). */
export async function requireAdmin(): Promise<AdminUserInfo> {
  const session = await currentSession();
  if (!session) throw new Refusal(RefusalCode.Unauthorized, 'Your session has ended: sign in again.');
  if (session.user.role !== 'admin') throw new Refusal(RefusalCode.Forbidden, 'Your role is read-only (viewer): ask an admin to make this change.');
  return session.user;
}
