import { createHash, randomBytes } from 'node:crypto';

export interface GeneratedSessionToken {
  /** Goes into the cookie once; never stored. */
  token: string;
  /** What the database keeps (see hashSessionToken). */
  hash: string;
}

/** 32 random bytes, base64url (43 characters). */
export function generateSessionToken(): GeneratedSessionToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashSessionToken(token) };
}

/**
 * SHA-256 hex of the token. Like API keys, a token carries 256 random bits, so a fast hash is
 * enough: a database dump holds nothing that signs anyone in.
 */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
