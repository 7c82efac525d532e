import 'server-only';
import { headers } from 'next/headers';
import { adminConfig } from './config.ts';
import { originAllowed } from './origin-rule.ts';

/**
 * A state-changing request must come from a page of this app: its Origin names the host the
 * request was sent to (or the configured public URL). Browsers always send Origin on a POST, so a
 * missing one is refused too. This is the CSRF defence besides the SameSite=Lax cookie.
 */
export async function isSameOrigin(): Promise<boolean> {
  const requestHeaders = await headers();
  return originAllowed(requestHeaders, adminConfig().ADMIN_PUBLIC_URL);
}

/** Whether the browser reached us over https (directly, or through a proxy that says so). */
export async function cameOverHttps(): Promise<boolean> {
  const requestHeaders = await headers();
  const forwarded = requestHeaders.get('x-forwarded-proto')?.split(',')[0]?.trim();
  if (forwarded) return forwarded === 'https';
  return adminConfig().ADMIN_PUBLIC_URL?.startsWith('https:') ?? false;
}

/** The client's address as the nearest proxy reports it, for the sign-in rate limit. */
export async function clientIp(): Promise<string | undefined> {
  const requestHeaders = await headers();
  const forwarded = requestHeaders.get('x-forwarded-for')?.split(',')[0]?.trim();
  return (forwarded || requestHeaders.get('x-real-ip') || undefined)?.slice(0, 64);
}

export async function userAgent(): Promise<string | undefined> {
  return (await headers()).get('user-agent')?.slice(0, 512) ?? undefined;
}
