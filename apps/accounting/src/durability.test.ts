import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountingCallError, callAccounting, publishUsage } from '@corral/bus';
import { embeddedPasswordFile, ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '@corral/db';
import { startNatsServer, type NatsServer } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageEvent } from '@corral/protocol/testing';
import { createTestWorld, eventually, scalar, type TestWorld } from './testing/index.ts';

async function publishAll(world: TestWorld, ids: string[]): Promise<void> {
  for (const id of ids) {
    const result = await publishUsage(world.bus, usageEvent(id));
    if (!result.ok) throw new Error(`publish failed: ${result.message}`);
  }
}

const ids = (label: string, from: number, to: number) => Array.from({ length: to - from }, (_, index) => `${label}${from + index}`);

async function countRows(world: TestWorld): Promise<number> {
  return scalar(world.databaseUrl, 'SELECT count(*) AS value FROM usage');
}

describe('usage survives an accounting restart during traffic', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld('restart', { batchSize: 25 });
    await world.start();
  });
  afterAll(async () => world?.close());

  it('stores every event published before, during and after the restart exactly once', async () => {
    const traffic = publishAll(world, ids('r', 0, 600));
    await eventually(async () => ((await countRows(world)) >= 100 ? true : undefined));
    await world.accounting?.stop();
    const atStop = await countRows(world);
    await traffic;
    await publishAll(world, ids('r', 600, 700));
    expect(await countRows(world)).toBe(atStop);

    const restarted = performance.now();
    await world.start();
    await eventually(async () => ((await countRows(world)) === 700 ? true : undefined), 20_000);
    console.log(`${atStop} events stored before the stop; the other ${700 - atStop} stored ${(performance.now() - restarted).toFixed(0)} ms after the restart`);
    expect(await scalar(world.databaseUrl, 'SELECT sum(requests) AS value FROM usage_hourly')).toBe(700);
    expect(await scalar(world.databaseUrl, 'SELECT sum(requests) AS value FROM usage_daily')).toBe(700);
  });
});

describe('usage survives a NATS server restart', () => {
  let nats: NatsServer;
  let world: TestWorld;
  beforeAll(async () => {
    nats = await startNatsServer();
    world = await createTestWorld('natsrestart', { natsUrl: nats.url, batchSize: 25 });
    await world.start();
  });
  afterAll(async () => {
    await nats?.start();
    await world?.close();
    await nats?.close();
  });

  it('resumes consuming as soon as NATS is back, and stores every event once', async () => {
    await publishAll(world, ids('n', 0, 50));
    await eventually(async () => ((await countRows(world)) === 50 ? true : undefined));

    await nats.stop();
    // Longer than the consumer's pause after a failed pull, so it retries while NATS is still away.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await nats.start();
    expect(await world.bus.waitForConnection(10_000)).toBe(true);
    const reconnected = performance.now();
    await publishAll(world, ids('n', 50, 100));
    await eventually(async () => ((await countRows(world)) === 100 ? true : undefined), 15_000);
    const storedAfter = performance.now() - reconnected;
    console.log(`events published after a NATS restart were stored ${storedAfter.toFixed(0)} ms after the reconnect`);
    expect(await scalar(world.databaseUrl, 'SELECT count(DISTINCT request_id) AS value FROM usage')).toBe(100);
  });
});

describe('usage survives Postgres going away during traffic', () => {
  let world: TestWorld;
  let postgres: EmbeddedPostgresHandle;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'corral-pgdown-'));
    postgres = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), port: 0 });
    const url = postgres.url('corral');
    await ensureDatabase(url);
    world = await createTestWorld('pgdown', { databaseUrl: url, batchSize: 25 });
    await world.start();
  }, 120_000);
  afterAll(async () => {
    await world?.close();
    await postgres?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('gives the embedded cluster a generated password, kept where only this user can read it', async () => {
    const password = decodeURIComponent(new URL(postgres.url('corral')).password);
    expect(password).toMatch(/^[\w-]{32}$/);
    const file = embeddedPasswordFile(join(dataDir, 'postgres'));
    expect((await readFile(file, 'utf8')).trim()).toBe(password);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('holds events while Postgres is down, answers requests with errors, and stores everything once it is back', async () => {
    await publishAll(world, ids('p', 0, 100));
    await eventually(async () => ((await countRows(world)) === 100 ? true : undefined));

    await postgres.stop();
    await publishAll(world, ids('p', 100, 300));
    await eventually(() => (world.logs.some((line) => line.includes('cannot store usage yet')) ? true : undefined));
    await expect(callAccounting(world.bus, 'keys.list', {})).rejects.toSatisfy(
      (error: unknown) => error instanceof AccountingCallError && error.code === 'internal',
    );
    expect(world.accounting?.storedUsage).toBe(100);

    const restarted = performance.now();
    await postgres.start();
    await eventually(async () => ((await countRows(world).catch(() => 0)) === 300 ? true : undefined), 30_000);
    console.log(`200 events held during the outage were stored ${(performance.now() - restarted).toFixed(0)} ms after Postgres came back`);
    expect(await scalar(world.databaseUrl, 'SELECT sum(requests) AS value FROM usage_hourly')).toBe(300);
    expect(await scalar(world.databaseUrl, 'SELECT count(DISTINCT request_id) AS value FROM usage')).toBe(300);
    expect((await callAccounting(world.bus, 'keys.list', {})).length).toBe(0);
  }, 60_000);
});
