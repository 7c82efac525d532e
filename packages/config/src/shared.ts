import { z } from 'zod';

/** An env value that is unset or empty counts as unset. */
export const optionalString = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());
export const integer = (fallback: number) =>
  z.preprocess((value) => (value === '' || value === undefined ? fallback : Number(value)), z.number().int().nonnegative());
export const boolean = (fallback: boolean) =>
  z.preprocess((value) => {
    if (value === '' || value === undefined) return fallback;
    return ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
  }, z.boolean());

export const busSettings = {
  /** NATS server URL(s), comma separated. Default: nats://127.0.0.1:4222. */
  NATS_URL: z.preprocess((value) => (value === '' || value === undefined ? 'nats://127.0.0.1:4222' : value), z.string()),
  /** Prefix of every subject, stream and bucket, so tenants and test suites never collide. Default: corral. */
  CORRAL_PREFIX: z.preprocess((value) => (value === '' || value === undefined ? 'corral' : value), z.string().regex(/^[A-Za-z0-9_-]+$/)),
  /** Log level: fatal, error, warn, info, debug, trace, silent. Default: info. */
  LOG_LEVEL: z.preprocess((value) => (value === '' || value === undefined ? 'info' : value), z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
};
