import { z } from 'zod';
import { Metadata, Timestamp, version } from './common.ts';

/**
 * A key as replicated to every edge through the `keys` KV bucket, stored under its hash so an edge
 * authenticates with one hash and one map lookup. Revoked and expired keys stay, marked, so the
 * edge can say why a key is refused.
 */
export const KeyRecord = z.object({
  ...version,
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  /** Models this key may use; empty means every model. */
  models: z.array(z.string()),
  rpm: z.number().int().nullable(),
  tpm: z.number().int().nullable(),
  budgetUsd: z.number().nullable(),
  spentUsd: z.number().optional(),
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
  /** The owning team, looked up in the `teams` bucket; absent or null = no team. */
  teamId: z.uuid().nullable().optional(),
  metadata: Metadata,
});
export type KeyRecord = z.infer<typeof KeyRecord>;

const PLAIN = /[A-Za-z0-9_-]/;

/**
 * KV keys allow fewer characters than model names (no `:`, and `.` separates tokens), so aliases
 * are escaped: every character outside [A-Za-z0-9_-] becomes `=` and two hex digits per UTF-8 byte.
 */
export function modelConfigKey(alias: string): string {
  let key = '';
  for (const character of alias) {
    if (PLAIN.test(character)) {
      key += character;
      continue;
    }
    for (const byte of new TextEncoder().encode(character)) key += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return key;
}

export function aliasFromModelConfigKey(key: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < key.length; ) {
    if (key[index] === '=') {
      bytes.push(Number.parseInt(key.slice(index + 1, index + 3), 16));
      index += 3;
    } else {
      bytes.push(key.charCodeAt(index));
      index += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
