/**
 * Sign-in throttling. The first failures are free (typos happen); after that every further attempt
 * waits, the wait doubling with each failure up to a cap. Refused attempts are not counted, so the
 * wait never grows beyond the cap however hard someone hammers.
 */

/** Failures allowed before attempts start to wait. */
export const LOGIN_FREE_FAILURES = 5;
/** The wait after the first failure past the free ones; it doubles with each further failure. */
export const LOGIN_LOCKOUT_BASE_SECONDS = 60;
/** The longest wait between two attempts. */
export const LOGIN_LOCKOUT_MAX_SECONDS = 15 * 60;
/** Failures older than this are forgotten: a typo a week ago does not count against today. */
export const LOGIN_FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;
/** How many addresses and unknown emails the in-memory tables remember (oldest forgotten first). */
const MEMORY_ENTRIES_MAX = 10_000;

export interface FailureRecord {
  failures: number;
  lastFailureAt: Date | null;
}

function currentFailures(record: FailureRecord, now: Date): number {
  if (!record.lastFailureAt || now.getTime() - record.lastFailureAt.getTime() >= LOGIN_FAILURE_MEMORY_MS) return 0;
  return record.failures;
}

/** Whole seconds to wait before the next attempt is allowed; 0 when it is allowed now. */
export function lockoutRemainingSeconds(record: FailureRecord, now: Date): number {
  const failures = currentFailures(record, now);
  if (failures < LOGIN_FREE_FAILURES || !record.lastFailureAt) return 0;
  // The exponent is capped so a long-running attack cannot overflow it; the wait is capped anyway.
  const exponent = Math.min(failures - LOGIN_FREE_FAILURES, 20);
  const lockoutMs = Math.min(LOGIN_LOCKOUT_MAX_SECONDS, LOGIN_LOCKOUT_BASE_SECONDS * 2 ** exponent) * 1000;
  const remainingMs = record.lastFailureAt.getTime() + lockoutMs - now.getTime();
  return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : 0;
}

/** The count after one more failure at `now` (stale failures start afresh). */
export function failuresAfterOneMore(record: FailureRecord, now: Date): number {
  return currentFailures(record, now) + 1;
}

/** The same rule for what has no row in Postgres: client addresses and emails no user has. Per process. */
export class MemoryThrottle {
  private readonly records = new Map<string, FailureRecord>();

  remainingSeconds(key: string, now: Date): number {
    const record = this.records.get(key);
    return record ? lockoutRemainingSeconds(record, now) : 0;
  }

  recordFailure(key: string, now: Date): void {
    const record = this.records.get(key) ?? { failures: 0, lastFailureAt: null };
    // Re-inserted so the Map's order is least recently failed first, which is what gets evicted.
    this.records.delete(key);
    this.records.set(key, { failures: failuresAfterOneMore(record, now), lastFailureAt: now });
    if (this.records.size > MEMORY_ENTRIES_MAX) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) this.records.delete(oldest);
    }
  }

  /** Takes back one counted failure (an attempt counted up front that then succeeded). */
  forgiveOne(key: string): void {
    const record = this.records.get(key);
    if (!record) return;
    if (record.failures <= 1) this.records.delete(key);
    else record.failures -= 1;
  }
}

export interface LoginGuards {
  byAddress: MemoryThrottle;
  /** Emails no user has, so that the lockout of a real account does not reveal that it exists. */
  byUnknownEmail: MemoryThrottle;
}

const guardsByContext = new WeakMap<object, LoginGuards>();

/** One set of in-memory tables per accounting instance (test worlds in one process stay apart). */
export function loginGuards(owner: object): LoginGuards {
  let guards = guardsByContext.get(owner);
  if (!guards) {
    guards = { byAddress: new MemoryThrottle(), byUnknownEmail: new MemoryThrottle() };
    guardsByContext.set(owner, guards);
  }
  return guards;
}

export function rateLimitedMessage(seconds: number): string {
  return `too many failed sign-in attempts; retry after ${seconds} s`;
}
