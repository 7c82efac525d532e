import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A worker id must be one NATS subject token: letters, digits, `-` and `_` only. */
export function sanitizeWorkerId(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^-+|-+$/g, '');
  return cleaned.length > 0 ? cleaned : 'worker';
}

/** The configured id, or `<hostname>-<6 random characters>` so two workers on one host never clash. */
export function resolveWorkerId(configured: string | undefined): string {
  if (configured !== undefined && configured !== '') return sanitizeWorkerId(configured);
  const suffix = Array.from(randomBytes(6), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return sanitizeWorkerId(`${hostname()}-${suffix}`);
}
