import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from './emulator.ts';
import { DEFAULT_MODELS } from './models.ts';
import { postJson } from '../testing/index.ts';
import type { Emulator } from './types.ts';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.close());

async function getJson(path: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${emulator.url}${path}`)).json()) as Record<string, unknown>;
}

describe('/api/tags', () => {
  it('lists every model with details and capabilities', async () => {
    const { models } = (await getJson('/api/tags')) as { models: Array<Record<string, unknown>> };
    expect(models.map((model) => model.name)).toEqual(DEFAULT_MODELS.map((model) => model.name));
    const llama = models[0] as Record<string, unknown>;
    expect(Object.keys(llama)).toEqual(['name', 'model', 'modified_at', 'size', 'digest', 'details', 'capabilities']);
    expect(llama).toMatchObject({ name: 'llama3.2:latest', model: 'llama3.2:latest', size: 2019393189, capabilities: ['completion', 'tools'] });
    expect(llama.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(llama.details).toEqual({
      parent_model: '',
      format: 'gguf',
      family: 'llama',
      families: ['llama'],
      parameter_size: '3.2B',
      quantization_level: 'Q4_K_M',
      context_length: 131072,
      embedding_length: 3072,
    });
  });

  it('answers HEAD', async () => {
    const response = await fetch(`${emulator.url}/api/tags`, { method: 'HEAD' });
    expect(response.status).toBe(200);
  });
});

describe('/api/show', () => {
  it('describes a model with model_info and capabilities', async () => {
    const { status, body } = await postJson(`${emulator.url}/api/show`, { model: 'qwen3' });
    expect(status).toBe(200);
    expect(body.capabilities).toEqual(['completion', 'tools', 'thinking']);
    expect(body.model_info).toMatchObject({ 'general.architecture': 'qwen3', 'qwen3.context_length': 40960 });
    expect(body.details).not.toHaveProperty('context_length');
    expect(typeof body.modified_at).toBe('string');
  });

  it('accepts the legacy name field and reports errors', async () => {
    expect((await postJson(`${emulator.url}/api/show`, { name: 'llava' })).status).toBe(200);
    expect(await postJson(`${emulator.url}/api/show`, {})).toEqual({ status: 400, body: { error: 'model is required' } });
    expect(await postJson(`${emulator.url}/api/show`, { model: 'nope' })).toEqual({ status: 404, body: { error: "model 'nope:latest' not found" } });
  });
});

describe('/api/version', () => {
  it('reports the emulated Ollama version', async () => {
    expect(await getJson('/api/version')).toEqual({ version: '0.33.0-rc2' });
  });
});

describe('models at runtime', () => {
  it('serves the models given to setOptions', async () => {
    const custom = await startEmulator({ models: [{ name: 'tiny:1b', capabilities: ['completion'] }] });
    try {
      const { models } = (await (await fetch(`${custom.url}/api/tags`)).json()) as { models: Array<{ name: string }> };
      expect(models.map((model) => model.name)).toEqual(['tiny:1b']);
      custom.setOptions({ models: [{ name: 'other:latest', capabilities: ['embedding'] }] });
      const after = (await (await fetch(`${custom.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
      expect(after.data.map((model) => model.id)).toEqual(['other:latest']);
      custom.setOptions({ models: [] });
      expect(await (await fetch(`${custom.url}/v1/models`)).json()).toEqual({ object: 'list', data: null });
    } finally {
      await custom.close();
    }
  });
});
