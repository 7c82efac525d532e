import { loadedNames, PsWire, TagsWire } from '@corral/ollama';
import { WorkerModel } from '@corral/protocol';
import { describe, expect, it } from 'vitest';
import { toWorkerModels } from './models.ts';

const tags = TagsWire.parse({
  models: [
    {
      name: 'llama3.2:latest',
      model: 'llama3.2:latest',
      modified_at: '2025-05-04T17:37:44.706015396-07:00',
      size: 2019393189,
      digest: 'a80c4f17',
      details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M', context_length: 131072 },
      capabilities: ['completion', 'tools'],
    },
    {
      name: 'all-minilm:latest',
      model: 'all-minilm:latest',
      size: 45000000,
      details: { parent_model: '', format: 'gguf', family: '', families: null, parameter_size: '', quantization_level: '' },
    },
  ],
});

describe('toWorkerModels', () => {
  it('maps details and capabilities and flags loaded models', () => {
    const ps = PsWire.parse({ models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest', size: 1, details: {}, expires_at: 'x', size_vram: 1 }] });
    const models = toWorkerModels(tags, loadedNames(ps));
    expect(models).toEqual([
      {
        name: 'llama3.2:latest',
        loaded: true,
        capabilities: ['completion', 'tools'],
        family: 'llama',
        parameterSize: '3.2B',
        quantization: 'Q4_K_M',
        contextLength: 131072,
        sizeBytes: 2019393189,
        modifiedAt: '2025-05-04T17:37:44.706015396-07:00',
      },
      { name: 'all-minilm:latest', loaded: false, capabilities: [], sizeBytes: 45000000 },
    ]);
    for (const model of models) expect(WorkerModel.parse(model)).toEqual(model);
  });

  it('accepts an Ollama without models', () => {
    expect(toWorkerModels(TagsWire.parse({ models: null }), new Set())).toEqual([]);
  });
});
