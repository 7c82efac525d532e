'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { AccountingCallError, callAccounting } from '@corral/bus';
import { z } from 'zod';
import { bus } from './bus.ts';
import { logger } from './logger.ts';
import { cameOverHttps, clientIp, isSameOrigin, userAgent } from './origin.ts';
import { SESSION_COOKIE } from './session.ts';

export interface SignInState {
  error?: string;
  /** Set when accounting asked us to wait before trying again. */
  retryInSeconds?: number;
}

const Credentials = z.object({ email: z.string().trim().min(1, 'Enter your email.').max(320), password: z.string().min(1, 'Enter your password.').max(1024) });

/** Signs in: accounting checks the password (and rate-limits failures); the token goes into an httpOnly cookie. */
export async function signIn(_previous: SignInState | null, formData: FormData): Promise<SignInState> {
  if (!(await isSameOrigin())) return { error: 'Refused: this request did not come from a page of this app.' };
  const credentials = Credentials.safeParse({ email: formData.get('email'), password: formData.get('password') });
  if (!credentials.success) return { error: credentials.error.issues[0]?.message ?? 'Enter your email and password.' };
  try {
    const result = await callAccounting(await bus(), 'admin.login', { ...credentials.data, ip: await clientIp(), userAgent: await userAgent() });
    (await cookies()).set(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: await cameOverHttps(),
      expires: new Date(result.expiresAt),
    });
  } catch (error) {
    if (error instanceof AccountingCallError) {
      if (error.code === 'rate_limited') {
        const seconds = retryAfterSeconds(error.message);
        return { error: seconds === undefined ? `Too many attempts: ${error.message}` : `Too many attempts, retry in ${seconds} s.`, retryInSeconds: seconds };
      }
      if (error.code === 'unauthorized' || error.code === 'bad_request') return { error: 'Wrong email or password.' };
      logger().error({ code: error.code, err: error }, 'sign-in failed');
      if (error.code === 'unsupported') return { error: 'The running accounting does not support sign-in yet (update accounting).' };
      return { error: 'Accounting did not answer: is it running? Try again in a moment.' };
    }
    throw error;
  }
  redirect('/');
}

/** Signs out: the session is revoked in accounting (not only forgotten by this browser). */
export async function signOut(): Promise<void> {
  if (!(await isSameOrigin())) redirect('/');
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  if (token && token.length <= 256) {
    try {
      await callAccounting(await bus(), 'admin.logout', { token });
    } catch (error) {
      // The cookie is cleared anyway; a session accounting could not revoke still ends at its idle expiry.
      logger().warn({ err: error }, 'could not revoke the session at sign-out');
    }
  }
  jar.delete(SESSION_COOKIE);
  redirect('/login');
}

/** Accounting says how long to wait in words ("retry in 30 s", "try again in 12 seconds"); take the number. */
function retryAfterSeconds(message: string): number | undefined {
  const match = /(\d+(?:\.\d+)?)\s*(?:s\b|sec|second)/i.exec(message);
  return match ? Math.ceil(Number(match[1])) : undefined;
}
