import type { FastifyInstance } from 'fastify';

/** Which browser origins may call the API. Empty: none (no CORS headers are ever sent). */
export interface CorsPolicy {
  /** Exact origins (`https://app.example.com`), or `*` for any. */
  origins: readonly string[];
}

const ALLOWED_METHODS = 'GET, POST, DELETE, OPTIONS';
/** What a browser client may read besides the CORS-safelisted headers: the request id and the backoff hints. */
const EXPOSED_HEADERS = 'x-request-id, retry-after';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * Lets browser apps on the configured origins call the API (the SDKs' `dangerouslyAllowBrowser`,
 * in-browser chat UIs). Headers go on the raw response so streamed answers, which bypass the
 * framework's reply, carry them too. Preflights are answered before routing, for every path; a
 * preflight or request from an origin not on the list gets no CORS headers, so the browser
 * blocks it. Authentication is unchanged: an allowed origin still needs an API key.
 */
export function installCors(app: FastifyInstance, policy: CorsPolicy): void {
  if (policy.origins.length === 0) return;
  const anyOrigin = policy.origins.includes('*');
  const allowed = new Set(policy.origins.map((origin) => origin.replace(/\/+$/, '').toLowerCase()));

  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (origin === undefined || !(anyOrigin || allowed.has(origin.toLowerCase()))) {
      done();
      return;
    }
    const raw = reply.raw;
    raw.setHeader('access-control-allow-origin', anyOrigin ? '*' : origin);
    if (!anyOrigin) raw.setHeader('vary', 'Origin');
    raw.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    const preflightMethod = request.headers['access-control-request-method'];
    if (request.method !== 'OPTIONS' || preflightMethod === undefined) {
      done();
      return;
    }
    raw.setHeader('access-control-allow-methods', ALLOWED_METHODS);
    const requestedHeaders = request.headers['access-control-request-headers'];
    if (requestedHeaders) raw.setHeader('access-control-allow-headers', requestedHeaders);
    raw.setHeader('access-control-max-age', PREFLIGHT_MAX_AGE_SECONDS);
    void reply.code(204).send();
  });
}
