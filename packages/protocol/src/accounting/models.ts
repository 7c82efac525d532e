import { z } from 'zod';
import { ModelName, Money, Timestamp, version } from './common.ts';

/** Ollama's `think`: on/off, or an effort level for models that support one. */
export const ThinkSetting = z.union([z.boolean(), z.enum(['low', 'medium', 'high'])]);
export type ThinkSetting = z.infer<typeof ThinkSetting>;

/** Ollama's `keep_alive`: a duration string (`10m`) or seconds. */
export const KeepAliveSetting = z.union([z.string().min(1).max(32), z.number()]);
export type KeepAliveSetting = z.infer<typeof KeepAliveSetting>;

/**
 * One model alias and its overrides, as replicated to every edge. A request's own settings win
 * over these, and these win over Ollama's defaults.
 */
export const ModelConfig = z.object({
  ...version,
  alias: ModelName,
  /** The Ollama model this alias runs. */
  target: ModelName,
  /** Ollama `options` merged under the request's (num_ctx, temperature, ...). */
  options: z.record(z.string(), z.unknown()),
  think: ThinkSetting.nullable(),
  keepAlive: KeepAliveSetting.nullable(),
  requestTimeoutMs: z.number().int().positive().nullable(),
  /** Strip the reasoning text from responses (it is still generated and billed). */
  excludeReasoning: z.boolean(),
  inputPricePerMTok: Money.nullable(),
  outputPricePerMTok: Money.nullable(),
  /** Listed by /v1/models and /api/tags. */
  visible: z.boolean(),
  updatedAt: Timestamp,
});
export type ModelConfig = z.infer<typeof ModelConfig>;

/** Creates or replaces an alias; absent settings take their defaults. */
export const ModelSetRequest = z.object({
  ...version,
  alias: ModelName,
  target: ModelName,
  options: z.record(z.string(), z.unknown()).optional(),
  think: ThinkSetting.nullable().optional(),
  keepAlive: KeepAliveSetting.nullable().optional(),
  requestTimeoutMs: z.number().int().positive().nullable().optional(),
  excludeReasoning: z.boolean().optional(),
  inputPricePerMTok: Money.nullable().optional(),
  outputPricePerMTok: Money.nullable().optional(),
  visible: z.boolean().optional(),
});
export type ModelSetRequest = z.infer<typeof ModelSetRequest>;

export const ModelSetResult = ModelConfig;
export type ModelSetResult = z.infer<typeof ModelSetResult>;

export const ModelListRequest = z.object({ ...version });
export type ModelListRequest = z.infer<typeof ModelListRequest>;

export const ModelListResult = z.array(ModelConfig);
export type ModelListResult = z.infer<typeof ModelListResult>;

export const ModelDeleteRequest = z.object({ ...version, alias: ModelName });
export type ModelDeleteRequest = z.infer<typeof ModelDeleteRequest>;

export const ModelDeleteResult = z.object({ deleted: z.boolean() });
export type ModelDeleteResult = z.infer<typeof ModelDeleteResult>;
