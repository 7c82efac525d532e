import type { WorkerModel } from '@corral/protocol';
import { z } from 'zod';

/* The minimal parts of /api/tags and /api/ps the worker reads; everything else is ignored. */

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

/** Empty strings in Ollama's details mean "unknown". */
function known(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Maps the installed models to the heartbeat's inventory, flagging those loaded in memory. */
export function toWorkerModels(tags: TagsWire, loaded: ReadonlySet<string>): WorkerModel[] {
  return (tags.models ?? []).map((listed) => {
    const model: WorkerModel = {
      name: listed.name,
      loaded: loaded.has(listed.name) || (listed.model !== undefined && loaded.has(listed.model)),
      capabilities: listed.capabilities ?? [],
    };
    const family = known(listed.details?.family);
    const parameterSize = known(listed.details?.parameter_size);
    const quantization = known(listed.details?.quantization_level);
    const contextLength = listed.details?.context_length;
    if (family) model.family = family;
    if (parameterSize) model.parameterSize = parameterSize;
    if (quantization) model.quantization = quantization;
    if (contextLength) model.contextLength = contextLength;
    if (listed.size !== undefined) model.sizeBytes = listed.size;
    if (listed.modified_at) model.modifiedAt = listed.modified_at;
    return model;
  });
}
