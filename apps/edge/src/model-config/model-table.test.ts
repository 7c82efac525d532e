import { connectBus, deleteKv, openKv, type Bus } from '@corral/bus';
import { ModelConfig, modelConfigKey } from '@corral/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelTable } from './model-table.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = `tmodels${process.pid}${Math.random().toString(36).slice(2, 8)}`;

function config(alias: string, target: string): ModelConfig {
  return {
    v: 1,
    alias,
    target,
    options: { num_ctx: 4096 },
    think: null,
    keepAlive: '5m',
    requestTimeoutMs: null,
    excludeReasoning: false,
    inputPricePerMTok: null,
    outputPricePerMTok: null,
    visible: true,
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('model table fed by the models bucket', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'model-table-test', prefix });
  });
  afterAll(async () => {
    await deleteKv(bus, 'models');
    await bus.close();
  });

  it('resolves aliases present at start, follows changes and deletes, and passes unknown names through', async () => {
    const bucket = await openKv(bus, 'models');
    await bucket.put(modelConfigKey('fast:latest'), ModelConfig, config('fast:latest', 'llama3.2:3b'));
    const table = createModelTable(bus);
    await table.ready;
    expect(table.resolve('fast:latest')).toEqual({ alias: 'fast:latest', target: 'llama3.2:3b', config: config('fast:latest', 'llama3.2:3b') });
    expect(table.resolve('qwen3:8b')).toEqual({ alias: 'qwen3:8b', target: 'qwen3:8b' });

    await bucket.put(modelConfigKey('smart'), ModelConfig, config('smart', 'qwen3:32b'));
    await until(() => table.resolve('smart').target === 'qwen3:32b');
    expect(table.list().map((model) => model.alias)).toEqual(['fast:latest', 'smart']);

    await bucket.delete(modelConfigKey('fast:latest'));
    await until(() => table.size() === 1);
    expect(table.resolve('fast:latest')).toEqual({ alias: 'fast:latest', target: 'fast:latest' });
    table.close();
  });
});
