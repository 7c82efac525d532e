import { usageStreamState } from '@corral/bus';
import { DatabaseSource } from '@corral/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@corral/log';
import { startAccounting } from './start.ts';
import { createTestWorld, type TestWorld } from './testing/index.ts';

describe('the usage stream reservation accounting starts with', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld('storage');
  });
  afterAll(async () => {
    await world?.close();
  });

  it('refuses to start with a message naming USAGE_STREAM_MAX_BYTES when JetStream has no room for it', async () => {
    const logs: string[] = [];
    // More than any JetStream server here has (its default store is at most 1 TB).
    const config = { ...world.config, USAGE_STREAM_MAX_BYTES: 2 ** 50 };
    const failure = await startAccounting(config, { logger: createLogger({ service: 'accounting', level: 'debug', write: (line) => logs.push(line) }), database: { url: world.databaseUrl, source: DatabaseSource.Env } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain('Lower USAGE_STREAM_MAX_BYTES');
    expect(await usageStreamState(world.bus)).toBeUndefined();
  });

  it('creates the stream with the configured cap', async () => {
    await world.start();
    // The JetStream API answers a plain request with the stream's info.
    const reply = await world.bus.nc.request(`$JS.API.STREAM.INFO.${world.bus.subjects.streamName('usage')}`, '', { timeout: 5000 });
    const info = JSON.parse(new TextDecoder().decode(reply.data)) as { config: { max_bytes: number } };
    expect(info.config.max_bytes).toBe(world.config.USAGE_STREAM_MAX_BYTES);
    expect(world.config.USAGE_STREAM_MAX_BYTES).toBeLessThan(1024 ** 3);
  });
});
