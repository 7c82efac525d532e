import { mirrorKv, type Bus } from '@corral/bus';
import { hashApiKey, looksLikeApiKey } from '@corral/keys';
import { KeyRecord } from '@corral/protocol';

export interface KeyTable {
  /** Resolves once every key present at start has been loaded. */
  readonly ready: Promise<void>;
  /** The record of a presented key, or undefined when it is unknown. No network round trip. */
  lookup(plaintext: string): KeyRecord | undefined;
  /** The record of a key by its id (a batch runs as the key that created it). */
  byId(keyId: string): KeyRecord | undefined;
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
  const idOfHash = new Map<string, string>();
  const recordsById = new Map<string, KeyRecord>();
  const mirror = mirrorKv(bus, 'keys', KeyRecord, {
    onChange: (hash, record) => {
      const previousId = idOfHash.get(hash);
      if (previousId !== undefined) recordsById.delete(previousId);
      if (record) {
        records.set(hash, record);
        idOfHash.set(hash, record.id);
        recordsById.set(record.id, record);
      } else {
        records.delete(hash);
        idOfHash.delete(hash);
      }
    },
    ...(options.onInvalid ? { onInvalid: options.onInvalid } : {}),
  });
  return {
    ready: mirror.ready,
    lookup(plaintext) {
      if (!looksLikeApiKey(plaintext)) return undefined;
      return records.get(hashApiKey(plaintext));
    },
    byId: (keyId) => recordsById.get(keyId),
    size: () => records.size,
    close: () => mirror.stop(),
  };
}
