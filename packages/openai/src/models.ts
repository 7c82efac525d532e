export interface ModelEntry {
  id: string;
  /** Unix seconds. */
  created: number;
  ownedBy: string;
}

export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface OpenAIModelList {
  object: 'list';
  data: OpenAIModel[];
}

export function toModel(entry: ModelEntry): OpenAIModel {
  return { id: entry.id, object: 'model', created: entry.created, owned_by: entry.ownedBy };
}

/** `/v1/models`; an empty fleet gives `data: []` (Ollama sends null, which breaks SDK pagers). */
export function toModelList(entries: readonly ModelEntry[]): OpenAIModelList {
  return { object: 'list', data: entries.map(toModel) };
}
