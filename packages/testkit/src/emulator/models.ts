import { createHash } from 'node:crypto';
import type { ModelDetails } from '@corral/ollama';
import type { EmulatedModel } from './types.ts';
import { parseModelName, type ModelName } from './model-name.ts';

export const Capability = {
  completion: 'completion',
  tools: 'tools',
  thinking: 'thinking',
  vision: 'vision',
  embedding: 'embedding',
  insert: 'insert',
} as const;
export type Capability = (typeof Capability)[keyof typeof Capability];

export const DEFAULT_MODELS: EmulatedModel[] = [
  {
    name: 'llama3.2:latest',
    capabilities: ['completion', 'tools'],
    family: 'llama',
    parameterSize: '3.2B',
    quantization: 'Q4_K_M',
    contextLength: 131072,
    embeddingLength: 3072,
    sizeBytes: 2019393189,
  },
  {
    name: 'qwen3:latest',
    capabilities: ['completion', 'tools', 'thinking'],
    family: 'qwen3',
    parameterSize: '8.2B',
    quantization: 'Q4_K_M',
    contextLength: 40960,
    embeddingLength: 4096,
    sizeBytes: 5225387923,
  },
  {
    name: 'llava:latest',
    capabilities: ['completion', 'vision'],
    family: 'llama',
    parameterSize: '7B',
    quantization: 'Q4_0',
    contextLength: 32768,
    embeddingLength: 4096,
    sizeBytes: 4733363377,
  },
  {
    name: 'all-minilm:latest',
    capabilities: ['embedding'],
    family: 'bert',
    parameterSize: '23M',
    quantization: 'F16',
    contextLength: 512,
    embeddingLength: 384,
    sizeBytes: 45960996,
  },
  {
    name: 'codellama:latest',
    capabilities: ['completion', 'insert'],
    family: 'llama',
    parameterSize: '7B',
    quantization: 'Q4_0',
    contextLength: 16384,
    embeddingLength: 4096,
    sizeBytes: 3825910662,
  },
];

/** A model with every default filled in, as the endpoints describe it. */
export interface CatalogModel {
  name: ModelName;
  capabilities: string[];
  family: string;
  families: string[];
  parameterSize: string;
  quantization: string;
  contextLength: number;
  embeddingLength: number;
  sizeBytes: number;
  digest: string;
  modifiedAtMs: number;
}

function complete(model: EmulatedModel, modifiedAtMs: number): CatalogModel {
  const name = parseModelName(model.name);
  if (name === undefined) throw new TypeError(`invalid emulated model name: ${model.name}`);
  const family = model.family ?? 'llama';
  const vision = model.capabilities.includes(Capability.vision);
  return {
    name,
    capabilities: [...model.capabilities],
    family,
    families: vision && family !== 'clip' ? [family, 'clip'] : [family],
    parameterSize: model.parameterSize ?? '3.2B',
    quantization: model.quantization ?? 'Q4_K_M',
    contextLength: model.contextLength ?? 8192,
    embeddingLength: model.embeddingLength ?? 384,
    sizeBytes: model.sizeBytes ?? 2_000_000_000,
    digest: createHash('sha256').update(name.display).digest('hex'),
    modifiedAtMs,
  };
}

export class ModelCatalog {
  private readonly byKey = new Map<string, CatalogModel>();

  constructor(models: readonly EmulatedModel[], modifiedAtMs = Date.now()) {
    for (const model of models) {
      const entry = complete(model, modifiedAtMs);
      this.byKey.set(entry.name.key, entry);
    }
  }

  find(name: ModelName): CatalogModel | undefined {
    return this.byKey.get(name.key);
  }

  list(): CatalogModel[] {
    return [...this.byKey.values()];
  }
}

export function hasCapability(model: CatalogModel, capability: Capability): boolean {
  return model.capabilities.includes(capability);
}

/** ModelDetails as /api/tags, /api/ps and /api/show print them (tags adds the two lengths). */
export function modelDetails(model: CatalogModel, withLengths: boolean): ModelDetails {
  const details: ModelDetails = {
    parent_model: '',
    format: 'gguf',
    family: model.family,
    families: model.families,
    parameter_size: model.parameterSize,
    quantization_level: model.quantization,
  };
  if (withLengths) {
    details.context_length = model.contextLength;
    details.embedding_length = model.embeddingLength;
  }
  return details;
}
