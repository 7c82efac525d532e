import { backoff } from '@nats-io/nats-core';

/**
 * How long to wait before the next try of a bus or store operation that failed: doubling from
 * 100 ms to a 5 s ceiling. nats.js jitters each wait (half to one and a half times), so replicas
 * that lost the same server do not all come back in the same instant.
 */
export const retryBackoff = backoff([100, 200, 400, 800, 1600, 3200, 5000]);
