import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Which browser origins may call the API. Empty: none (no CORS headers are ever sent). */
export interface CorsPolicy {
  /** Exact origins (`https://app.example.com`), or `*` for any. */
  origins: readonly string[];
}

/** Origins compare case-insensitively, without a trailing slash (as written in configuration). */
function normalizedOrigin(origin: string): string {
  return origin.replace(/\/+$/, '').toLowerCase();
}

/**
 * Lets browser apps on the configured origins call the API (the SDKs' `dangerouslyAllowBrowser`,
 * in-browser chat UIs), through @fastify/cors. Preflights are answered in its `onRequest` hook,
 * before routing and authentication, for every path; a request without an Origin, or from an origin
 * not on the list, gets no CORS headers (and its preflight falls through to the 405 every OPTIONS
 * gets), so the browser blocks it. Authentication is unchanged: an allowed origin still needs an
 * API key.
 */
export function installCors(app: FastifyInstance, policy: CorsPolicy): void {
  if (policy.origins.length === 0) return;
  const anyOrigin = policy.origins.includes('*');
  const allowed = new Set(policy.origins.map(normalizedOrigin));
  void app.register(cors, {
    // '*' for any origin, true to reflect an allowed one, false for no CORS at all.
    origin: (origin, callback) => callback(null, origin === undefined ? false : anyOrigin ? '*' : allowed.has(normalizedOrigin(origin))),
    methods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    // What a browser client may read besides the CORS-safelisted headers: the request id and the backoff hints.
    exposedHeaders: ['x-request-id', 'retry-after'],
    maxAge: 600,
    // An OPTIONS that is not a preflight is routed (to the 405 in the caller's dialect), not refused in plain text.
    strictPreflight: false,
  });
}
