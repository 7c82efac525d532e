/**
 * Per-key requests-per-minute and tokens-per-minute limits, counted by this edge over a sliding
 * minute. With N edges behind a balancer a key gets up to N times its limit at worst; exact global
 * limits would cost a network round trip per request, which the edge does not pay.
 */
export class RateLimiter {
  private readonly requests = new Map<string, number[]>();
  private readonly tokens = new Map<string, { at: number; count: number }[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds until the key may try again, or 0 when the request may proceed (and is counted). */
  admit(keyId: string, rpm: number | null, tpm: number | null): number {
    const now = this.now();
    const windowStart = now - 60_000;
    if (tpm !== null) {
      const spent = this.prune(this.tokens, keyId, windowStart, (entry) => entry.at);
      const used = spent.reduce((sum, entry) => sum + entry.count, 0);
      if (used >= tpm) return Math.max(1, Math.ceil((spent[0]!.at + 60_000 - now) / 1000));
    }
    if (rpm !== null) {
      const times = this.prune(this.requests, keyId, windowStart, (at) => at);
      if (times.length >= rpm) return Math.max(1, Math.ceil((times[0]! + 60_000 - now) / 1000));
      times.push(now);
    }
    return 0;
  }

  /** Counts tokens a finished request used against the key's TPM. */
  spend(keyId: string, count: number): void {
    if (count <= 0) return;
    let entries = this.tokens.get(keyId);
    if (!entries) this.tokens.set(keyId, (entries = []));
    entries.push({ at: this.now(), count });
  }

  private prune<T>(store: Map<string, T[]>, keyId: string, windowStart: number, timeOf: (entry: T) => number): T[] {
    let entries = store.get(keyId);
    if (!entries) store.set(keyId, (entries = []));
    let expired = 0;
    while (expired < entries.length && timeOf(entries[expired]!) <= windowStart) expired++;
    if (expired > 0) entries.splice(0, expired);
    return entries;
  }
}
