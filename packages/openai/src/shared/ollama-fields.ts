import { z } from 'zod';
import type { Options, ThinkValue } from '@corral/ollama';
import type { ModelOverrides } from './context.ts';
import { keepAliveSchema } from './keep-alive.ts';

/**
 * Ollama's own knobs, accepted as extra top-level fields of every OpenAI request (the way
 * vLLM and llama.cpp accept `top_k`). They go to `options`, except `keep_alive` and `think`.
 */
export const ollamaOptionFields = {
  num_ctx: z.number().int().positive(),
  num_predict: z.number().int().min(-2),
  num_keep: z.number().int().min(-1),
  num_batch: z.number().int().positive(),
  num_gpu: z.number().int().min(-1),
  main_gpu: z.number().int().min(0),
  num_thread: z.number().int().min(0),
  use_mmap: z.boolean(),
  top_k: z.number().int().min(0),
  min_p: z.number().min(0).max(1),
  typical_p: z.number().min(0).max(1),
  repeat_penalty: z.number().min(0),
  repeat_last_n: z.number().int().min(-1),
} as const;

export const ollamaOptionKeys = Object.keys(ollamaOptionFields) as Array<keyof typeof ollamaOptionFields>;

export const thinkSchema = z.union([z.boolean(), z.enum(['low', 'medium', 'high', 'max'])]);

export { keepAliveSchema };

export const ollamaExtraFields = {
  ...Object.fromEntries(Object.entries(ollamaOptionFields).map(([key, schema]) => [key, schema.optional()])),
  keep_alive: keepAliveSchema.optional(),
  think: thinkSchema.optional(),
} as { [K in keyof typeof ollamaOptionFields]: z.ZodOptional<(typeof ollamaOptionFields)[K]> } & {
  keep_alive: z.ZodOptional<typeof keepAliveSchema>;
  think: z.ZodOptional<typeof thinkSchema>;
};

/** Copies the Ollama option fields present on a parsed request. */
export function pickOllamaOptions(request: Partial<Record<string, unknown>>): Options {
  const options: Record<string, unknown> = {};
  for (const key of ollamaOptionKeys) {
    const value = request[key];
    if (value !== undefined) options[key] = value;
  }
  return options as Options;
}

/** Request values win; the model override fills each option the request did not set. */
export function mergeOptions(requested: Options, overrides: ModelOverrides | undefined): Options | undefined {
  const merged: Options = { ...(overrides?.options ?? {}) };
  for (const [key, value] of Object.entries(requested)) {
    if (value !== undefined) merged[key] = value;
  }
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined) delete merged[key];
  }
  return Object.keys(merged).length === 0 ? undefined : merged;
}

export function resolveKeepAlive(requested: string | number | undefined, overrides: ModelOverrides | undefined): string | number | undefined {
  return requested ?? overrides?.keep_alive;
}

export function resolveThinkOverride(requested: ThinkValue | undefined, overrides: ModelOverrides | undefined): ThinkValue | undefined {
  return requested ?? overrides?.think;
}
