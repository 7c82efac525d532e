import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, passwordHashNeedsUpgrade, verifyPassword } from './password.ts';

// RFC 7914 §12, third vector: scrypt("pleaseletmein", "SodiumChloride", N = 16384, r = 8, p = 1, 64 bytes).
const RFC_7914_HASH =
  '$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQylVYT8Pz2LUlwUkKpr55h6F3A1lHkDfzwF7RVdYhw';

describe('hashPassword', () => {
  it('writes a PHC string with the current parameters, a 16-byte salt and a 32-byte key', async () => {
    const hash = await hashPassword('correct horse battery staple');
    const match = /^\$scrypt\$ln=15,r=8,p=1\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
    expect(match).not.toBeNull();
    expect(Buffer.from(match![1]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(match![2]!, 'base64')).toHaveLength(32);
    expect(hash).not.toContain('correct horse');
  });

  it('salts every hash, so equal passwords give different hashes that both verify', async () => {
    const [first, second] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);
    expect(first).not.toBe(second);
    expect(await verifyPassword('same password!', first)).toBe(true);
    expect(await verifyPassword('same password!', second)).toBe(true);
  });
});

describe('verifyPassword', () => {
  it('reads the parameters from the hash (an RFC 7914 test vector at ln=14)', async () => {
    expect(await verifyPassword('pleaseletmein', RFC_7914_HASH)).toBe(true);
    expect(await verifyPassword('pleaseletmeim', RFC_7914_HASH)).toBe(false);
  });

  it('treats the same text in another Unicode normal form as the same password', async () => {
    const hash = await hashPassword('caf\u00e9-passphrase');
    expect(await verifyPassword('cafe\u0301-passphrase', hash)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['another scheme', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g'],
    ['missing key', '$scrypt$ln=15,r=8,p=1$U29kaXVtQ2hsb3JpZGU'],
    ['memory beyond the cap', '$scrypt$ln=24,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI'],
    ['a zero parameter', '$scrypt$ln=14,r=0,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI'],
    ['a salt too short', '$scrypt$ln=14,r=8,p=1$TmFDbA$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI'],
    ['garbage in the key', '$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$not base64!'],
  ])('refuses %s as a mismatch, without throwing', async (_label, stored) => {
    expect(await verifyPassword('pleaseletmein', stored)).toBe(false);
  });
});

describe('passwordHashNeedsUpgrade', () => {
  it.each([
    [RFC_7914_HASH, true],
    ['$scrypt$ln=15,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI', false],
    ['$scrypt$ln=16,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofI', false],
    ['not a hash', true],
  ])('%s → %s', (stored, expected) => {
    expect(passwordHashNeedsUpgrade(stored)).toBe(expected);
  });
});

describe('generatePassword', () => {
  it('makes long URL-safe passwords that never repeat', () => {
    const passwords = Array.from({ length: 500 }, generatePassword);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(new Set(passwords).size).toBe(passwords.length);
  });
});
