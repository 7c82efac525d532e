import { PsWire, runningByName, TagsWire } from '@corral/ollama';
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
  it('maps details and capabilities and flags loaded models with their VRAM and expiry', () => {
    const ps = PsWire.parse({
      models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest', size: 3_000_000_000, details: {}, expires_at: '2024-06-04T14:38:31.83753-07:00', size_vram: 2_500_000_000 }],
    });
    const models = toWorkerModels(tags, runningByName(ps));
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
        sizeVramBytes: 2_500_000_000,
        expiresAt: '2024-06-04T21:38:31.837Z',
      },
      { name: 'all-minilm:latest', loaded: false, capabilities: [], sizeBytes: 45000000 },
    ]);
    for (const model of models) expect(WorkerModel.parse(model)).toEqual(model);
  });

  it('keeps a CPU-only runner (size_vram 0) and leaves out an expiry it cannot read', () => {
    const ps = PsWire.parse({ models: [{ name: 'all-minilm:latest', model: 'all-minilm:latest', size_vram: 0, expires_at: 'soon' }] });
    expect(toWorkerModels(tags, runningByName(ps))[1]).toEqual({ name: 'all-minilm:latest', loaded: true, capabilities: [], sizeBytes: 45000000, sizeVramBytes: 0 });
  });

  it('accepts an Ollama without models', () => {
    expect(toWorkerModels(TagsWire.parse({ models: null }), new Map())).toEqual([]);
  });
});
