import { describe, expect, it } from 'vitest';
import { API_KEY_PREFIX, generateApiKey, hashApiKey, looksLikeApiKey } from './api-key.ts';

describe('generateApiKey', () => {
  it('makes a well-formed key whose hash and prefix derive from it', () => {
    const key = generateApiKey();
    expect(key.plaintext.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(key.plaintext).toHaveLength(API_KEY_PREFIX.length + 43);
    expect(looksLikeApiKey(key.plaintext)).toBe(true);
    expect(key.hash).toBe(hashApiKey(key.plaintext));
    expect(key.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(key.prefix).toBe(key.plaintext.slice(0, 16));
    expect(key.hash).not.toContain(key.plaintext.slice(API_KEY_PREFIX.length));
  });

  it('never repeats and spreads over the whole alphabet', () => {
    const keys = Array.from({ length: 2000 }, () => generateApiKey().plaintext);
    expect(new Set(keys).size).toBe(keys.length);
    const characters = new Set(keys.flatMap((key) => [...key.slice(API_KEY_PREFIX.length)]));
    expect(characters.size).toBe(62);
  });
});

describe('hashApiKey', () => {
  it('is the SHA-256 hex of the key', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('looksLikeApiKey', () => {
  it.each([
    ['', false],
    ['sk-corral-', false],
    [`sk-corral-${'a'.repeat(42)}`, false],
    [`sk-corral-${'a'.repeat(44)}`, false],
    [`sk-corral-${'a'.repeat(42)}_`, false],
    [`sk-other-${'a'.repeat(43)}`, false],
    [`sk-corral-${'a'.repeat(43)}`, true],
  ])('%j → %s', (text, expected) => {
    expect(looksLikeApiKey(text)).toBe(expected);
  });
});
