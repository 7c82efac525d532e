import { describe, expect, it } from 'vitest';
import { loadedNames, PsWire, TagsWire } from './model-list.ts';

describe('TagsWire', () => {
  it('reads what Corral needs from /api/tags and ignores the rest', () => {
    const tags = TagsWire.parse({
      models: [
        {
          name: 'llama3.2:latest',
          model: 'llama3.2:latest',
          modified_at: '2025-05-04T17:37:44.706015396-07:00',
          size: 2019393189,
          digest: 'a80c4f17',
          details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
          capabilities: ['completion', 'tools'],
        },
      ],
    });
    expect(tags.models?.[0]).toEqual({
      name: 'llama3.2:latest',
      model: 'llama3.2:latest',
      modified_at: '2025-05-04T17:37:44.706015396-07:00',
      size: 2019393189,
      details: { family: 'llama', parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
      capabilities: ['completion', 'tools'],
    });
  });

  it.each([[{}], [{ models: null }], [{ models: [{ name: 'm', details: null, capabilities: null }] }]])('accepts the sparse answer %j', (body) => {
    expect(TagsWire.safeParse(body).success).toBe(true);
  });

  it.each([[{ models: [{}] }], [{ models: 'x' }], [{ models: [{ name: 'm', size: '1' }] }]])('refuses %j', (body) => {
    expect(TagsWire.safeParse(body).success).toBe(false);
  });
});

describe('loadedNames', () => {
  it.each([
    [{ models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest', size: 1, expires_at: 'x', size_vram: 1 }] }, ['llama3.2:latest']],
    [{ models: [{ name: 'alias:latest', model: 'llama3.2:latest' }] }, ['alias:latest', 'llama3.2:latest']],
    [{ models: [] }, []],
    [{ models: null }, []],
    [{}, []],
  ])('of %j is %j', (body, names) => {
    expect([...loadedNames(PsWire.parse(body))]).toEqual(names);
  });
});
