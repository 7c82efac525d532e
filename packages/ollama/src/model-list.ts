import { z } from 'zod';

/* The minimal parts of /api/tags and /api/ps Corral reads; everything else is ignored. */

const Details = z
  .object({
    family: z.string().optional(),
    parameter_size: z.string().optional(),
    quantization_level: z.string().optional(),
    context_length: z.number().int().optional(),
  })
  .partial()
  .nullish();

export const TagsWire = z.object({
  models: z
    .array(
      z.object({
        name: z.string(),
        model: z.string().optional(),
        size: z.number().optional(),
        modified_at: z.string().optional(),
        details: Details,
        capabilities: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
});
export type TagsWire = z.infer<typeof TagsWire>;

export const PsWire = z.object({
  models: z.array(z.object({ name: z.string(), model: z.string().optional() })).nullish(),
});
export type PsWire = z.infer<typeof PsWire>;

/** Names Ollama reports as loaded right now (both `name` and `model`, which usually agree). */
export function loadedNames(ps: PsWire): Set<string> {
  const names = new Set<string>();
  for (const running of ps.models ?? []) {
    names.add(running.name);
    if (running.model) names.add(running.model);
  }
  return names;
}
