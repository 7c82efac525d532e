import type { RunningWire, TagsWire } from '@corral/ollama';
import type { WorkerModel } from '@corral/protocol';

/** Empty strings in Ollama's details mean "unknown". */
function known(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Ollama's RFC 3339 time (local zone, nanoseconds) as ISO 8601 in UTC, so every reader parses it alike. */
function isoTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/**
 * Maps the installed models to the heartbeat's inventory; those loaded in memory (`running`, by
 * name, from /api/ps) are flagged, with their VRAM and when Ollama will unload them.
 */
export function toWorkerModels(tags: TagsWire, running: ReadonlyMap<string, RunningWire>): WorkerModel[] {
  return (tags.models ?? []).map((listed) => {
    const loaded = running.get(listed.name) ?? (listed.model !== undefined ? running.get(listed.model) : undefined);
    const model: WorkerModel = {
      name: listed.name,
      loaded: loaded !== undefined,
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
    if (loaded?.size_vram !== undefined) model.sizeVramBytes = loaded.size_vram;
    const expiresAt = isoTime(loaded?.expires_at);
    if (expiresAt) model.expiresAt = expiresAt;
    return model;
  });
}
