import { mirrorKv, type Bus } from '@corral/bus';
import { hashApiKey, looksLikeApiKey } from '@corral/keys';
import { KeyRecord } from '@corral/protocol';

export interface KeyTable {
  /** Resolves once every key present at start has been loaded. */
  readonly ready: Promise<void>;
  /** The record of a presented key, or undefined when it is unknown. No network round trip. */
  lookup(plaintext: string): KeyRecord | undefined;
  size(): number;
  close(): void;
}

/**
 * The edge's copy of the `keys` bucket, kept current by a KV watch (revocations arrive within
 * milliseconds). Keys are indexed by their SHA-256, so a lookup hashes the presented key: a
 * timing difference in the map lookup could only reveal something about a hash of a 256-bit
 * secret, which is of no use to an attacker.
 */
export function createKeyTable(bus: Bus, options: { onInvalid?: (hash: string, error: unknown) => void } = {}): KeyTable {
  const records = new Map<string, KeyRecord>();
  const mirror = mirrorKv(bus, 'keys', KeyRecord, {
    onChange: (hash, record) => (record ? records.set(hash, record) : records.delete(hash)),
    ...(options.onInvalid ? { onInvalid: options.onInvalid } : {}),
  });
  return {
    ready: mirror.ready,
    lookup(plaintext) {
      if (!looksLikeApiKey(plaintext)) return undefined;
      return records.get(hashApiKey(plaintext));
    },
    size: () => records.size,
    close: () => mirror.stop(),
  };
}
