import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so leaked keys are easy to recognise (secret scanners, logs). */
export const API_KEY_PREFIX = 'sk-corral-';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 62^43 > 2^256, so 43 base62 digits hold 32 random bytes without loss. */
const SECRET_LENGTH = 43;
/** Random characters kept in the visible prefix: enough to tell keys apart in a list, far too few to guess the rest. */
const VISIBLE_RANDOM_CHARACTERS = 6;
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${SECRET_LENGTH}}$`);

export interface GeneratedApiKey {
  /** Shown to the user once, never stored. */
  plaintext: string;
  /** What is stored and replicated (see hashApiKey). */
  hash: string;
  /** A short visible part (`sk-corral-` + 6 characters) to recognise the key in lists. */
  prefix: string;
}

function toBase62(bytes: Uint8Array): string {
  let value = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = ALPHABET[Number(value % 62n)] + text;
    value /= 62n;
  }
  // Fixed length keeps the format checkable by a regular expression.
  return text.padStart(SECRET_LENGTH, '0');
}

/** A new key: 32 bytes from the OS CSPRNG, base62 so it survives double-click selection and URLs. */
export function generateApiKey(): GeneratedApiKey {
  const plaintext = API_KEY_PREFIX + toBase62(randomBytes(32));
  return { plaintext, hash: hashApiKey(plaintext), prefix: apiKeyPrefix(plaintext) };
}

export function apiKeyPrefix(plaintext: string): string {
  return plaintext.slice(0, API_KEY_PREFIX.length + VISIBLE_RANDOM_CHARACTERS);
}

/**
 * SHA-256 hex of the whole key. A slow password hash (bcrypt, argon2) exists to make guessing
 * low-entropy human passwords expensive; these keys carry 256 random bits, so a fast hash is
 * already preimage-resistant beyond any brute force, and keeps authentication cheap enough to run
 * on every request at the edge.
 */
export function hashApiKey(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

/** Cheap syntax check before hashing, so garbage never reaches the key table. */
export function looksLikeApiKey(text: string): boolean {
  return KEY_PATTERN.test(text);
}
