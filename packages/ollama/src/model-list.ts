import { z } from 'zod';

/* The minimal parts of /api/tags, /api/ps and /api/version Corral reads; everything else is ignored. */

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

const RunningWire = z.object({
  name: z.string(),
  model: z.string().optional(),
  /** Bytes of the runner in GPU memory (below `size` when partly offloaded to the CPU, 0 on CPU only). */
  size_vram: z.number().optional(),
  /** When Ollama unloads it: RFC 3339 in the server's local time zone. */
  expires_at: z.string().optional(),
});
export type RunningWire = z.infer<typeof RunningWire>;

export const PsWire = z.object({
  models: z.array(RunningWire).nullish(),
});
export type PsWire = z.infer<typeof PsWire>;

export const VersionWire = z.object({ version: z.string() });
export type VersionWire = z.infer<typeof VersionWire>;

/** The loaded models by every name Ollama gives them (`name` and `model`, which usually agree). */
export function runningByName(ps: PsWire): Map<string, RunningWire> {
  const running = new Map<string, RunningWire>();
  for (const model of ps.models ?? []) {
    running.set(model.name, model);
    if (model.model) running.set(model.model, model);
  }
  return running;
}
