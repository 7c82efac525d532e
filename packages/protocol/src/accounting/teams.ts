import { z } from 'zod';
import { ModelName, Money, Timestamp, version } from './common.ts';

const limits = {
  /** Models the team's keys may use; empty means every model. */
  models: z.array(ModelName).optional(),
  /** Requests per minute across all the team's keys; absent means unlimited. */
  rpm: z.number().int().positive().nullable().optional(),
  /** Tokens per minute across all the team's keys; absent means unlimited. */
  tpm: z.number().int().positive().nullable().optional(),
  /** Spend allowed per calendar month (UTC); null means unlimited. */
  monthlyBudgetUsd: Money.nullable().optional(),
};

const TeamName = z.string().trim().min(1).max(200);

export const TeamInfo = z.object({
  id: z.uuid(),
  name: z.string(),
  models: z.array(z.string()),
  rpm: z.number().int().nullable(),
  tpm: z.number().int().nullable(),
  monthlyBudgetUsd: z.number().nullable(),
  /** Spent in the current calendar month (UTC). */
  spentThisMonthUsd: z.number(),
  /** Keys the team owns that are not revoked. */
  activeKeys: z.number().int().nonnegative(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type TeamInfo = z.infer<typeof TeamInfo>;

export const TeamCreateRequest = z.object({ ...version, name: TeamName, ...limits });
export type TeamCreateRequest = z.infer<typeof TeamCreateRequest>;
export const TeamCreateResult = TeamInfo;

export const TeamListRequest = z.object({ ...version });
export const TeamListResult = z.array(TeamInfo);

/** Absent fields stay as they are; `null` clears a limit. */
export const TeamUpdateRequest = z.object({ ...version, id: z.uuid(), name: TeamName.optional(), ...limits });
export type TeamUpdateRequest = z.infer<typeof TeamUpdateRequest>;
export const TeamUpdateResult = TeamInfo;

/** Refused (conflict) while the team owns keys that are not revoked. */
export const TeamDeleteRequest = z.object({ ...version, id: z.uuid() });
export const TeamDeleteResult = z.object({ deleted: z.boolean() });

/**
 * A team as replicated to every edge through the `teams` KV bucket (key = team id). `month` says
 * which month `spentUsd` is for: in a later month the edge counts the spend as zero.
 */
export const TeamRecord = z.object({
  ...version,
  id: z.uuid(),
  name: z.string(),
  models: z.array(z.string()),
  rpm: z.number().int().nullable(),
  tpm: z.number().int().nullable(),
  monthlyBudgetUsd: z.number().nullable(),
  /** YYYY-MM (UTC). */
  month: z.string().regex(/^\d{4}-\d{2}$/),
  spentUsd: z.number(),
});
export type TeamRecord = z.infer<typeof TeamRecord>;
