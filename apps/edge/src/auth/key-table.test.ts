import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectBus, deleteKv, deleteUsageStream, openKv, type Bus } from '@corral/bus';
import { generateApiKey } from '@corral/keys';
import { AccountingReply, KeyCreateResult, KeyInfo, KeyRecord } from '@corral/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { checkKey } from './authenticate.ts';
import { createKeyTable } from './key-table.ts';

const servers = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const postgresServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const prefix = `tkeys${process.pid}${Math.random().toString(36).slice(2, 8)}`;
const accountingDirectory = fileURLToPath(new URL('../../../accounting/', import.meta.url));

function record(id: string, prefixText: string): KeyRecord {
  return { v: 1, id, name: 'n', prefix: prefixText, models: [], rpm: null, tpm: null, budgetUsd: null, spentUsd: 0, expiresAt: null, revokedAt: null, metadata: {} };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Runs a TypeScript file of the accounting app as its own process, as it runs in production. */
function runAccountingScript(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: accountingDirectory, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('key table fed by the keys bucket', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({ servers, name: 'key-table-test', prefix });
  });
  afterAll(async () => {
    await deleteKv(bus, 'keys');
    await deleteKv(bus, 'models');
    await deleteKv(bus, 'teams');
    await deleteUsageStream(bus);
    await bus.close();
  });

  it('looks keys up by their hash, follows changes, and ignores malformed input', async () => {
    const bucket = await openKv(bus, 'keys');
    const present = generateApiKey();
    await bucket.put(present.hash, KeyRecord, record('11111111-1111-4111-8111-111111111111', present.prefix));
    const table = createKeyTable(bus);
    await table.ready;
    expect(table.lookup(present.plaintext)?.id).toBe('11111111-1111-4111-8111-111111111111');
    expect(table.lookup(present.hash)).toBeUndefined();
    expect(table.lookup('')).toBeUndefined();
    expect(table.lookup(generateApiKey().plaintext)).toBeUndefined();

    const later = generateApiKey();
    await bucket.put(later.hash, KeyRecord, record('22222222-2222-4222-8222-222222222222', later.prefix));
    await until(() => table.size() === 2);
    await bucket.delete(present.hash);
    await until(() => table.lookup(present.plaintext) === undefined);
    table.close();
    await bucket.delete(later.hash);
  });

  describe('with a running accounting service', () => {
    let accounting: ChildProcess;
    const database = `test_edge_keys_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const databaseUrl = Object.assign(new URL(postgresServer), { pathname: `/${database}` }).toString();
    const output: string[] = [];

    beforeAll(async () => {
      accounting = runAccountingScript(['src/main.ts'], { NATS_URL: servers, CORRAL_PREFIX: prefix, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' });
      accounting.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      accounting.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      await until(() => output.join('').includes('accounting ready'), 30_000).catch((error: unknown) => {
        throw new Error(`accounting did not start: ${output.join('')}`, { cause: error });
      });
    }, 60_000);

    afterAll(async () => {
      accounting.kill('SIGTERM');
      await new Promise((resolve) => accounting.once('exit', resolve));
      const drop = runAccountingScript(['--eval', `import('@corral/db').then((db) => db.dropDatabase(${JSON.stringify(databaseUrl)}))`], {});
      await new Promise((resolve) => drop.once('exit', resolve));
    }, 30_000);

    async function call<T>(operation: 'keys.create' | 'keys.revoke', body: object, result: ZodType<T>): Promise<T> {
      const reply = await bus.nc.request(bus.subjects.accounting(operation), JSON.stringify({ v: 1, ...body }), { timeout: 10_000 });
      const parsed = AccountingReply(result).parse(reply.json());
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.result;
    }

    it('sees a revocation made through accounting within moments', async () => {
      const table = createKeyTable(bus);
      await table.ready;
      const created = await call('keys.create', { name: 'propagation' }, KeyCreateResult);
      await until(() => table.lookup(created.plaintext) !== undefined);
      expect(checkKey(table.lookup(created.plaintext))).toMatchObject({ ok: true });

      const started = performance.now();
      const revoke = call('keys.revoke', { id: created.key.id }, KeyInfo);
      await until(() => table.lookup(created.plaintext)?.revokedAt != null, 5000);
      const visibleAfter = performance.now() - started;
      await revoke;
      const replyAfter = performance.now() - started;
      console.log(`revocation visible in the edge key table ${visibleAfter.toFixed(1)} ms after the request (revoke reply after ${replyAfter.toFixed(1)} ms)`);
      expect(checkKey(table.lookup(created.plaintext))).toEqual({ ok: false, code: 'revoked' });
      expect(output.join('')).not.toContain(created.plaintext.slice(10));
      table.close();
    });
  });
});
