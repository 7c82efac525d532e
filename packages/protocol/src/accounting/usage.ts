import { z } from 'zod';
import { Timestamp, version } from './common.ts';
import { USAGE_COUNT_MAX, USAGE_TEXT_LIMITS } from './usage-sanitize.ts';

export const UsageStatus = { Ok: 'ok', Error: 'error', Cancelled: 'cancelled' } as const;
export type UsageStatus = (typeof UsageStatus)[keyof typeof UsageStatus];

const count = z.number().int().nonnegative().max(USAGE_COUNT_MAX);
const nanoseconds = z.number().int().nonnegative();

/**
 * One finished request, published once by the edge; the request id deduplicates it everywhere.
 * Producers and accounting pass an event through sanitizeUsageEvent before validating it, so text a
 * client sent (a 10,000-character or NUL-laden model name) is bounded and storable, never a reason
 * to drop the event.
 */
export const UsageEvent = z.object({
  ...version,
  /** Also the JetStream message id and a subject token, hence the narrow alphabet. */
  requestId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  keyId: z.uuid().nullable(),
  /** The model name the caller asked for. */
  alias: z.string().min(1).max(USAGE_TEXT_LIMITS.alias),
  /** The Ollama model that ran. */
  model: z.string().min(1).max(USAGE_TEXT_LIMITS.model),
  /** The route, e.g. `/v1/chat/completions`. */
  endpoint: z.string().min(1).max(USAGE_TEXT_LIMITS.endpoint),
  stream: z.boolean(),
  status: z.enum([UsageStatus.Ok, UsageStatus.Error, UsageStatus.Cancelled]),
  httpStatus: z.number().int().min(100).max(599),
  errorCode: z.string().max(USAGE_TEXT_LIMITS.errorCode).optional(),
  promptTokens: count,
  completionTokens: count,
  ttftMs: z.number().nonnegative().optional(),
  durationMs: z.number().nonnegative(),
  loadDurationNs: nanoseconds.optional(),
  promptEvalDurationNs: nanoseconds.optional(),
  evalDurationNs: nanoseconds.optional(),
  workerId: z.string().max(USAGE_TEXT_LIMITS.workerId).optional(),
  startedAt: Timestamp,
  finishedAt: Timestamp,
});
export type UsageEvent = z.infer<typeof UsageEvent>;

export const UsageGroup = { Key: 'key', Model: 'model', Day: 'day', Hour: 'hour' } as const;
export type UsageGroup = (typeof UsageGroup)[keyof typeof UsageGroup];

/**
 * Totals from the hourly rollup, so `from`/`to` count whole hours (an hour is in the range when it
 * starts at or after `from` and before `to`).
 */
export const UsageSummaryRequest = z.object({
  ...version,
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  keyId: z.uuid().optional(),
  /** An alias as the caller asked for it. */
  model: z.string().optional(),
  groupBy: z.array(z.enum([UsageGroup.Key, UsageGroup.Model, UsageGroup.Day, UsageGroup.Hour])).default([]),
});
export type UsageSummaryRequest = z.infer<typeof UsageSummaryRequest>;

export const UsageSummaryRow = z.object({
  /** Present when grouped by key; null for requests made without a key. */
  keyId: z.uuid().nullable().optional(),
  keyName: z.string().nullable().optional(),
  model: z.string().optional(),
  /** Start of the day or hour, when grouped by one. */
  period: Timestamp.optional(),
  requests: z.number().int(),
  errors: z.number().int(),
  promptTokens: z.number().int(),
  completionTokens: z.number().int(),
  costUsd: z.number(),
});
export type UsageSummaryRow = z.infer<typeof UsageSummaryRow>;

export const UsageSummaryResult = z.array(UsageSummaryRow);
export type UsageSummaryResult = z.infer<typeof UsageSummaryResult>;
