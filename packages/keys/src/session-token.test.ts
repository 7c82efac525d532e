import { describe, expect, it } from 'vitest';
import { generateSessionToken, hashSessionToken } from './session-token.ts';

describe('generateSessionToken', () => {
  it('makes a 32-byte base64url token whose stored form is its SHA-256 hex', () => {
    const { token, hash } = generateSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toBe(hashSessionToken(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never repeats', () => {
    const tokens = Array.from({ length: 1000 }, () => generateSessionToken().token);
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe('hashSessionToken', () => {
  it('is the SHA-256 hex of the token', () => {
    expect(hashSessionToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
