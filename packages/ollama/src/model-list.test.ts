import { describe, expect, it } from 'vitest';
import { PsWire, runningByName, TagsWire, VersionWire } from './model-list.ts';

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

describe('runningByName', () => {
  it.each([
    [{ models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest', size: 1, expires_at: 'x', size_vram: 1 }] }, ['llama3.2:latest']],
    [{ models: [{ name: 'alias:latest', model: 'llama3.2:latest' }] }, ['alias:latest', 'llama3.2:latest']],
    [{ models: [] }, []],
    [{ models: null }, []],
    [{}, []],
  ])('of %j names %j', (body, names) => {
    expect([...runningByName(PsWire.parse(body)).keys()]).toEqual(names);
  });

  it('keeps what /api/ps says of VRAM and expiry (documented example)', () => {
    const body = {
      models: [
        {
          name: 'mistral:latest',
          model: 'mistral:latest',
          size: 5137025024,
          digest: '2ae6f6dd7a3dd734790bbbf58b8909a606e0e7e97e94b7604e0aa7ae4490e6d8',
          details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '7.2B', quantization_level: 'Q4_0' },
          expires_at: '2024-06-04T14:38:31.83753-07:00',
          size_vram: 5137025024,
          context_length: 4096,
        },
      ],
    };
    expect(runningByName(PsWire.parse(body)).get('mistral:latest')).toEqual({
      name: 'mistral:latest',
      model: 'mistral:latest',
      expires_at: '2024-06-04T14:38:31.83753-07:00',
      size_vram: 5137025024,
    });
  });
});

describe('VersionWire', () => {
  it('reads /api/version', () => {
    expect(VersionWire.parse({ version: '0.33.0-rc2' }).version).toBe('0.33.0-rc2');
    expect(VersionWire.safeParse({ models: [] }).success).toBe(false);
  });
});
