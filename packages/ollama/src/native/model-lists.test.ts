import { describe, expect, it } from 'vitest';
import { normalizeModelName } from '../model-name.ts';
import { compareVersions, fleetPs, fleetTags, fleetVersion, type HostModel } from './model-lists.ts';

const llama: HostModel = {
  name: 'llama3.2:latest',
  loaded: true,
  capabilities: ['completion', 'tools'],
  family: 'llama',
  parameterSize: '3.2B',
  quantization: 'Q4_K_M',
  contextLength: 131072,
  sizeBytes: 2019393189,
  modifiedAt: '2026-05-04T17:37:44Z',
  sizeVramBytes: 2_000_000_000,
  expiresAt: '2026-08-21T10:05:00Z',
};
const qwen: HostModel = { name: 'qwen3:latest', loaded: false, capabilities: ['completion', 'thinking'], family: 'qwen3', modifiedAt: '2026-01-01T00:00:00Z' };
const all = () => true;

describe('fleetTags', () => {
  it('lists each model once across hosts, with visible aliases under their own name and their target details', () => {
    const otherHost: HostModel = { ...llama, loaded: false, capabilities: ['completion', 'vision'], modifiedAt: '2026-06-01T00:00:00Z' };
    const tags = fleetTags([llama, qwen, otherHost], [{ alias: 'fast', target: 'llama3.2', updatedAt: '2026-07-01T00:00:00Z' }, { alias: 'ghost', target: 'nope', updatedAt: '2026-07-01T00:00:00Z' }], all, normalizeModelName);
    expect(tags.models.map((model) => model.name)).toEqual(['fast', 'llama3.2:latest', 'qwen3:latest']);
    expect(tags.models[1]).toEqual({
      name: 'llama3.2:latest',
      model: 'llama3.2:latest',
      modified_at: '2026-06-01T00:00:00Z',
      size: 2019393189,
      digest: '',
      details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M', context_length: 131072 },
      capabilities: ['completion', 'tools', 'vision'],
    });
    expect(tags.models[0]).toMatchObject({ name: 'fast', model: 'fast', modified_at: '2026-07-01T00:00:00Z', details: { family: 'llama' } });
  });

  it('keeps only what the caller may use, aliases included', () => {
    const mayUse = (name: string) => name === 'fast';
    expect(fleetTags([llama, qwen], [{ alias: 'fast', target: 'llama3.2:latest', updatedAt: '2026-07-01T00:00:00Z' }], mayUse, normalizeModelName).models.map((model) => model.name)).toEqual(['fast']);
    expect(fleetTags([llama], [], () => false, normalizeModelName)).toEqual({ models: [] });
  });
});

describe('fleetPs', () => {
  it('lists loaded models once, with the largest VRAM copy and the latest unload time, newest expiry first', () => {
    const later = { ...llama, sizeVramBytes: 1_000, expiresAt: '2026-08-21T11:00:00Z' };
    const other: HostModel = { ...qwen, loaded: true, sizeBytes: 5, sizeVramBytes: 5, expiresAt: '2026-08-21T12:00:00Z' };
    const ps = fleetPs([llama, later, qwen, other], all);
    expect(ps.models.map((model) => [model.name, model.size_vram, model.expires_at])).toEqual([
      ['qwen3:latest', 5, '2026-08-21T12:00:00Z'],
      ['llama3.2:latest', 2_000_000_000, '2026-08-21T11:00:00Z'],
    ]);
    expect(ps.models[1]).toMatchObject({ model: 'llama3.2:latest', size: 2019393189, context_length: 131072, details: { family: 'llama', parameter_size: '3.2B' } });
    expect(ps.models[1]!.details).not.toHaveProperty('context_length');
  });

  it('is empty, never null, when nothing is loaded or visible', () => {
    expect(fleetPs([qwen], all)).toEqual({ models: [] });
    expect(fleetPs([llama], () => false)).toEqual({ models: [] });
  });
});

describe('fleetVersion', () => {
  it.each([
    [['0.12.3', '0.9.7', '0.33.0-rc2'], '0.9.7'],
    [['0.33.0', '0.33.0-rc2'], '0.33.0-rc2'],
    [['0.12.10', '0.12.9'], '0.12.9'],
    [[undefined, '0.5.1'], '0.5.1'],
    [[], 'fallback'],
  ])('the oldest of %j is %s', (versions, oldest) => {
    expect(fleetVersion(versions, 'fallback')).toBe(oldest);
  });

  it.each([
    ['1.0.0', '0.99.99', 1],
    ['0.1.0-rc1', '0.1.0', -1],
    ['v0.2', '0.2.0', 0],
  ])('compares %s with %s as %i', (left, right, order) => {
    expect(compareVersions(left, right)).toBe(order);
  });
});
