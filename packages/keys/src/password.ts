import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt parameters for new hashes: N = 2^15, r = 8, p = 1 needs 128·N·r = 32 MiB per hash, which
 * is what makes guessing expensive on GPUs. Stored in every hash, so they can be raised later
 * without invalidating older hashes.
 */
export const PASSWORD_HASH_PARAMETERS = { logN: 15, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuses hashes whose parameters would need more than this (a tampered row must not exhaust memory). */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_LOG_N = 20;

const PHC_PATTERN = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

interface ParsedHash {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function derive(password: string, salt: Buffer, parameters: { logN: number; r: number; p: number }, keyLength: number): Promise<Buffer> {
  const N = 2 ** parameters.logN;
  const options: ScryptOptions = {
    N,
    r: parameters.r,
    p: parameters.p,
    // Node's default maxmem (32 MiB) is exactly what N = 2^15, r = 8 needs and is refused; leave headroom.
    maxmem: 128 * N * parameters.r * parameters.p + 1024 * 1024,
  };
  // The callback form runs on libuv's thread pool: hashing never blocks the event loop.
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function parseHash(stored: string): ParsedHash | undefined {
  const match = PHC_PATTERN.exec(stored);
  if (!match) return undefined;
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (logN < 1 || logN > MAX_LOG_N || r < 1 || p < 1) return undefined;
  if (128 * 2 ** logN * r * p > MAX_MEMORY_BYTES) return undefined;
  const salt = Buffer.from(match[4]!, 'base64');
  const key = Buffer.from(match[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { logN, r, p, salt, key };
}

const base64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/** A new hash of `password` in PHC string form: `$scrypt$ln=15,r=8,p=1$<salt b64>$<hash b64>`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, PASSWORD_HASH_PARAMETERS, KEY_BYTES);
  const { logN, r, p } = PASSWORD_HASH_PARAMETERS;
  return `$scrypt$ln=${logN},r=${r},p=${p}$${base64(salt)}$${base64(key)}`;
}

/**
 * True when `password` matches `stored`, using the parameters written in the hash. A malformed
 * hash is a mismatch, not an error, so a damaged row cannot be told apart from a wrong password.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** True when `stored` was made with weaker parameters than today's, so it should be rehashed at the next sign-in. */
export function passwordHashNeedsUpgrade(stored: string): boolean {
  const parsed = parseHash(stored);
  const wanted = PASSWORD_HASH_PARAMETERS;
  return !parsed || parsed.logN < wanted.logN || parsed.r < wanted.r || parsed.p < wanted.p || parsed.key.length < KEY_BYTES;
}

/** 24 random bytes as base64url: 32 characters, 192 bits, safe in a URL and a shell. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}
