import { z } from 'zod';

/** An env value that is unset or empty counts as unset. */
export const optionalString = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());
export const integer = (fallback: number) =>
  z.preprocess((value) => (value === '' || value === undefined ? fallback : Number(value)), z.number().int().nonnegative());
/** A share from 0 to 1 (0.25, not 25 %). */
export const fraction = (fallback: number) =>
  z.preprocess((value) => (value === '' || value === undefined ? fallback : Number(value)), z.number().min(0).max(1));
export const boolean = (fallback: boolean) =>
  z.preprocess((value) => {
    if (value === '' || value === undefined) return fallback;
    return ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
  }, z.boolean());

/**
 * JetStream storage of the object store bucket that carries payloads too large for one message.
 * Edges and workers both create it on first use, so give them the same value.
 */
export const blobSettings = {
  /**
   * Disk cap of the blob bucket, reserved on the JetStream server when the bucket is created (an
   * existing bucket keeps the cap it was created with). 0: no cap, nothing reserved. Default: 1 GiB.
   */
  BLOB_BUCKET_MAX_BYTES: integer(1024 ** 3),
};

export const busSettings = {
  /** NATS server URL(s), comma separated. Default: nats://127.0.0.1:4222. */
  NATS_URL: z.preprocess((value) => (value === '' || value === undefined ? 'nats://127.0.0.1:4222' : value), z.string()),
  /** Prefix of every subject, stream and bucket, so tenants and test suites never collide. Default: corral. */
  CORRAL_PREFIX: z.preprocess((value) => (value === '' || value === undefined ? 'corral' : value), z.string().regex(/^[A-Za-z0-9_-]+$/)),
  /** Log level: fatal, error, warn, info, debug, trace, silent. Default: info. */
  LOG_LEVEL: z.preprocess((value) => (value === '' || value === undefined ? 'info' : value), z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
};
