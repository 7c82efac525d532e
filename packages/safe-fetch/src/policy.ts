export interface SafeFetchPolicy {
  /**
   * Allow loopback, private, link-local, CGNAT, unique-local and other non-public addresses.
   * Default: false. Cloud metadata endpoints stay refused even when true; name them in
   * allowedHosts to reach them.
   */
  allowPrivate?: boolean;
  /** Explicit exceptions to every address rule: an exact host (`images.lan`, `10.0.0.5`, `[fd00::1]`) or host:port. */
  allowedHosts?: string[];
  /** Largest body accepted. Default: 10 MiB. */
  maxBytes?: number;
  /** Budget for the whole fetch: DNS, every redirect hop and the body. Default: 10 s. */
  timeoutMs?: number;
  /** Redirects followed before giving up. Default: 3. */
  maxRedirects?: number;
  /** Accepted media types (parameters ignored). Default: image/png, image/jpeg, image/webp, image/gif. */
  allowedContentTypes?: string[];
}

export interface ResolvedPolicy {
  allowPrivate: boolean;
  allowedHosts: string[];
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
  allowedContentTypes: string[];
}

export const defaultContentTypes = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

export function resolvePolicy(policy: SafeFetchPolicy = {}): ResolvedPolicy {
  return {
    allowPrivate: policy.allowPrivate ?? false,
    allowedHosts: policy.allowedHosts ?? [],
    maxBytes: policy.maxBytes ?? 10 * 1024 * 1024,
    timeoutMs: policy.timeoutMs ?? 10_000,
    maxRedirects: policy.maxRedirects ?? 3,
    allowedContentTypes: (policy.allowedContentTypes ?? defaultContentTypes).map((type) => type.trim().toLowerCase()),
  };
}
