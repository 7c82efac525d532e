/** One set of limits to apply: a key's, or a team's (shared by all its keys). */
export interface Limit {
  /** What the counts are kept under; keys and teams use distinct ids. */
  readonly id: string;
  readonly rpm: number | null;
  readonly tpm: number | null;
}

/** Which limit refused a request, and when to try again. */
export interface LimitRefusal {
  readonly limit: Limit;
  readonly retryAfterSeconds: number;
}

/**
 * Requests-per-minute and tokens-per-minute limits (of keys and of teams), counted by this edge
 * over a sliding minute. With N edges behind a balancer a key gets up to N times its limit at
 * worst; exact global limits would cost a network round trip per request, which the edge does not pay.
 */
export class RateLimiter {
  private readonly requests = new Map<string, number[]>();
  private readonly tokens = new Map<string, { at: number; count: number }[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Admits a request only when every limit has room; it is then counted against each of them. A
   * refused request counts against none, so a team's full minute does not eat its keys' own.
   */
  admit(limits: readonly Limit[]): LimitRefusal | undefined {
    const now = this.now();
    const windowStart = now - 60_000;
    for (const limit of limits) {
      const retryAfterSeconds = this.wait(limit, now, windowStart);
      if (retryAfterSeconds > 0) return { limit, retryAfterSeconds };
    }
    for (const limit of limits) if (limit.rpm !== null) this.prune(this.requests, limit.id, windowStart, (at) => at).push(now);
    return undefined;
  }

  /** Counts tokens a finished request used against a limit's TPM. */
  spend(id: string, count: number): void {
    if (count <= 0) return;
    let entries = this.tokens.get(id);
    if (!entries) this.tokens.set(id, (entries = []));
    entries.push({ at: this.now(), count });
  }

  /** Seconds until `limit` has room again, 0 when it has room now. */
  private wait(limit: Limit, now: number, windowStart: number): number {
    if (limit.tpm !== null) {
      const spent = this.prune(this.tokens, limit.id, windowStart, (entry) => entry.at);
      const used = spent.reduce((sum, entry) => sum + entry.count, 0);
      if (used >= limit.tpm) return Math.max(1, Math.ceil((spent[0]!.at + 60_000 - now) / 1000));
    }
    if (limit.rpm !== null) {
      const times = this.prune(this.requests, limit.id, windowStart, (at) => at);
      if (times.length >= limit.rpm) return Math.max(1, Math.ceil((times[0]! + 60_000 - now) / 1000));
    }
    return 0;
  }

  private prune<T>(store: Map<string, T[]>, id: string, windowStart: number, timeOf: (entry: T) => number): T[] {
    let entries = store.get(id);
    if (!entries) store.set(id, (entries = []));
    let expired = 0;
    while (expired < entries.length && timeOf(entries[expired]!) <= windowStart) expired++;
    if (expired > 0) entries.splice(0, expired);
    return entries;
  }
}
