import type { TagsWire } from '@corral/ollama';
import type { WorkerModel } from '@corral/protocol';

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
