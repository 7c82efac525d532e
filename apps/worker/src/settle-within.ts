import { delay } from '@nats-io/nats-core';

/**
 * The promise's value if it settles within `timeoutMs`, else undefined; the promise keeps running.
 * Not nats.js's `deadline`: that rejects on timeout, and callers here want "not yet" as a value,
 * apart from the promise's own failure.
 */
export async function settleWithin<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  const timeout = delay(timeoutMs);
  try {
    return await Promise.race([promise, timeout.then(() => undefined)]);
  } finally {
    timeout.cancel();
  }
}
