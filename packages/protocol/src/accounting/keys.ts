import { z } from 'zod';
import { Metadata, ModelName, Money, Timestamp, version } from './common.ts';

const limits = {
  /** Models this key may use; empty means every model. */
  models: z.array(ModelName).optional(),
  /** Requests per minute; absent means unlimited. */
  rpm: z.number().int().positive().nullable().optional(),
  /** Tokens per minute; absent means unlimited. */
  tpm: z.number().int().positive().nullable().optional(),
  budgetUsd: Money.nullable().optional(),
  expiresAt: Timestamp.nullable().optional(),
  metadata: Metadata.optional(),
  /** The owning team (its models, limits and budget bound the key's); null = no team. */
  teamId: z.uuid().nullable().optional(),
};

/** What an operator sees of a key: never the plaintext, never the hash. */
export const KeyInfo = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  models: z.array(z.string()),
  rpm: z.number().int().nullable(),
  tpm: z.number().int().nullable(),
  budgetUsd: z.number().nullable(),
  spentUsd: z.number(),
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
  teamId: z.uuid().nullable(),
  metadata: Metadata,
});
export type KeyInfo = z.infer<typeof KeyInfo>;

export const KeyCreateRequest = z.object({ ...version, name: z.string().min(1).max(200), ...limits });
export type KeyCreateRequest = z.infer<typeof KeyCreateRequest>;

/** The only message that ever carries a key's plaintext. */
export const KeyCreateResult = z.object({ key: KeyInfo, plaintext: z.string() });
export type KeyCreateResult = z.infer<typeof KeyCreateResult>;

export const KeyListRequest = z.object({ ...version, includeRevoked: z.boolean().default(true) });
export type KeyListRequest = z.infer<typeof KeyListRequest>;

export const KeyListResult = z.array(KeyInfo);
export type KeyListResult = z.infer<typeof KeyListResult>;

/** Absent fields stay as they are; `null` clears a limit. */
export const KeyUpdateRequest = z.object({ ...version, id: z.uuid(), name: z.string().min(1).max(200).optional(), ...limits });
export type KeyUpdateRequest = z.infer<typeof KeyUpdateRequest>;

export const KeyUpdateResult = KeyInfo;
export type KeyUpdateResult = z.infer<typeof KeyUpdateResult>;

export const KeyRevokeRequest = z.object({ ...version, id: z.uuid() });
export type KeyRevokeRequest = z.infer<typeof KeyRevokeRequest>;

export const KeyRevokeResult = KeyInfo;
export type KeyRevokeResult = z.infer<typeof KeyRevokeResult>;
