import { z } from 'zod';
import { keepAliveSchema } from './keep-alive.ts';
import type { Options } from './types.ts';

/**
 * The `options` Corral checks before Ollama sees them (Ollama answers a wrong type with a 500, after
 * loading the model). Sampling options every dialect has its own name for are checked by the dialect.
 */
export const optionFieldSchemas = {
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

export const optionKeys = Object.keys(optionFieldSchemas) as Array<keyof typeof optionFieldSchemas>;

export const thinkSchema = z.union([z.boolean(), z.enum(['low', 'medium', 'high', 'max'])]);

/**
 * Ollama's own knobs as optional top-level fields of another dialect's request (the way vLLM and
 * llama.cpp accept `top_k`). They go to `options` (see pickOptions), except `keep_alive` and `think`.
 */
export const extraRequestFields = {
  ...Object.fromEntries(Object.entries(optionFieldSchemas).map(([key, schema]) => [key, schema.optional()])),
  keep_alive: keepAliveSchema.optional(),
  think: thinkSchema.optional(),
} as { [K in keyof typeof optionFieldSchemas]: z.ZodOptional<(typeof optionFieldSchemas)[K]> } & {
  keep_alive: z.ZodOptional<typeof keepAliveSchema>;
  think: z.ZodOptional<typeof thinkSchema>;
};

/** Copies the option fields present on a parsed request. */
export function pickOptions(request: Partial<Record<string, unknown>>): Options {
  const options: Record<string, unknown> = {};
  for (const key of optionKeys) {
    const value = request[key];
    if (value !== undefined) options[key] = value;
  }
  return options as Options;
}
