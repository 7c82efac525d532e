import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { looksLikeApiKey } from '@corral/keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, natsUrl, type TestWorld } from '../testing/index.ts';
import { ingestUsage } from '../usage/ingest.ts';
import { createDb } from '@corral/db';
import { usageEvent } from '@corral/protocol/testing';

const cliPath = fileURLToPath(new URL('./main.ts', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('corral CLI against a running accounting', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld('cli');
    await world.start();
  });
  afterAll(async () => world?.close());

  function corral(args: string[], prefix = world.prefix): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
        env: { ...process.env, NATS_URL: natsUrl, CORRAL_PREFIX: prefix },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  it('creates a key and prints it alone on the last line, then lists, updates and revokes it', async () => {
    const created = await corral(['keys', 'create', '--name', 'laptop', '--models', 'fast,smart', '--rpm', '60', '--budget', '12.5', '--expires', '2030-01-31']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const lines = created.stdout.trimEnd().split('\n');
    const plaintext = lines.at(-1)!;
    expect(looksLikeApiKey(plaintext)).toBe(true);
    expect(created.stdout).toContain('models:   fast, smart');
    expect(created.stdout).toContain('expires:  2030-01-31T00:00:00.000Z');
    const id = /^id:\s+(\S+)$/m.exec(created.stdout)?.[1];
    expect(id).toBeDefined();

    const listed = await corral(['keys', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+PREFIX/);
    expect(listed.stdout).toContain('laptop');
    expect(listed.stdout).toContain('fast,smart');
    expect(listed.stdout).not.toContain(plaintext.slice(16));

    const updated = await corral(['keys', 'update', id!, '--models', 'all', '--rpm', 'none', '--json']);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ id, models: [], rpm: null, budgetUsd: 12.5 });

    const revoked = await corral(['keys', 'revoke', id!]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked laptop/);
    const active = await corral(['keys', 'list', '--active', '--json']);
    expect(JSON.parse(active.stdout)).toEqual([]);
  });

  it('gives machine output with --json for a new key', async () => {
    const created = await corral(['keys', 'create', '--name', 'ci', '--json']);
    expect(created.code).toBe(0);
    const parsed = JSON.parse(created.stdout) as { plaintext: string; key: { name: string } };
    expect(looksLikeApiKey(parsed.plaintext)).toBe(true);
    expect(parsed.key.name).toBe('ci');
  });

  it('manages aliases and overrides, keeping earlier overrides when retargeting', async () => {
    expect((await corral(['models', 'alias', 'fast', 'llama3.2:3b'])).code).toBe(0);
    const override = await corral([
      'models', 'override', 'fast', '--num-ctx', '8192', '--think', 'low', '--keep-alive', '10m', '--timeout-ms', '60000',
      '--exclude-reasoning', '--input-price', '0.2', '--output-price', '0.6', '--option', 'temperature=0.3', '--option', 'stop=["\\n"]',
    ]);
    expect(override.stderr).toBe('');
    expect(override.code).toBe(0);
    const retarget = await corral(['models', 'alias', 'fast', 'qwen3:8b', '--json']);
    expect(JSON.parse(retarget.stdout)).toMatchObject({
      alias: 'fast',
      target: 'qwen3:8b',
      options: { num_ctx: 8192, temperature: 0.3, stop: ['\n'] },
      think: 'low',
      keepAlive: '10m',
      requestTimeoutMs: 60000,
      excludeReasoning: true,
      inputPricePerMTok: 0.2,
      outputPricePerMTok: 0.6,
    });
    // Overriding a plain model name makes it an alias of itself.
    expect(JSON.parse((await corral(['models', 'override', 'llama3.2', '--think', 'false', '--json'])).stdout)).toMatchObject({ alias: 'llama3.2', target: 'llama3.2', think: false });

    const listed = await corral(['models', 'list']);
    expect(listed.stdout).toMatch(/^ALIAS\s+TARGET/);
    expect(listed.stdout).toContain('num_ctx=8192');
    expect((await corral(['models', 'delete', 'llama3.2'])).stdout.trim()).toBe('deleted llama3.2');
    expect((await corral(['models', 'delete', 'llama3.2'])).stdout.trim()).toBe('no alias named llama3.2');
  });

  it('prints a usage summary table', async () => {
    const handle = createDb(world.databaseUrl);
    await ingestUsage(handle.db, [
      usageEvent('cli-1', { alias: 'fast', promptTokens: 1000, completionTokens: 2000 }),
      usageEvent('cli-2', { alias: 'fast', status: 'error' }),
      usageEvent('cli-3', { alias: 'other' }),
    ]);
    await handle.close();
    const summary = await corral(['usage', 'summary', '--by', 'model', '--from', '2025-03-01', '--to', '2025-03-02']);
    expect(summary.code).toBe(0);
    const lines = summary.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MODEL\s+REQUESTS\s+ERRORS\s+PROMPT TOKENS\s+COMPLETION TOKENS\s+COST$/);
    expect(lines.find((line) => line.startsWith('fast'))).toMatch(/^fast\s+2\s+1\s+1,010\s+2,020\s+\$/);
    expect(lines.find((line) => line.startsWith('other'))).toMatch(/^other\s+1\s+0\s+10\s+20\s+\$0\.00$/);
    const empty = await corral(['usage', 'summary', '--from', '2000-01-01', '--to', '2000-01-02']);
    expect(empty.stdout.trim()).toBe('no usage in this range');
  });

  it('manages teams by id or name and gives keys a team', async () => {
    const created = await corral(['teams', 'create', '--name', 'research', '--models', 'fast,smart', '--rpm', '30', '--budget', '50']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('models:   fast, smart');
    expect(created.stdout).toContain('budget:   $50.00 a month (spent $0.00 this month)');
    const teamId = /^id:\s+(\S+)$/m.exec(created.stdout)?.[1];
    expect(teamId).toBeDefined();

    const duplicate = await corral(['teams', 'create', '--name', 'research']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain("a team named 'research' already exists (conflict)");

    const key = await corral(['keys', 'create', '--name', 'member', '--team', 'research', '--json']);
    expect(key.code).toBe(0);
    const keyInfo = (JSON.parse(key.stdout) as { key: { id: string; teamId: string } }).key;
    expect(keyInfo.teamId).toBe(teamId);
    const listedKeys = await corral(['keys', 'list']);
    expect(listedKeys.stdout).toMatch(/^ID\s+NAME\s+PREFIX\s+TEAM\s+MODELS/);
    expect(listedKeys.stdout).toMatch(/member\s+\S+\s+research\s/);
    const unknownTeam = await corral(['keys', 'create', '--name', 'stray', '--team', 'nobody']);
    expect(unknownTeam.code).toBe(1);
    expect(unknownTeam.stderr).toContain('no team with id or name "nobody"');

    const listed = await corral(['teams', 'list']);
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+MODELS\s+RPM\s+TPM\s+BUDGET\/MONTH\s+SPENT THIS MONTH\s+KEYS$/m);
    expect(listed.stdout).toMatch(/research\s+fast,smart\s+30\s+-\s+\$50\.00\s+\$0\.00\s+1$/m);

    const updated = await corral(['teams', 'update', teamId!, '--name', 'labs', '--models', 'all', '--rpm', 'none', '--budget', 'none', '--tpm', '9000', '--json']);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toMatchObject({ id: teamId, name: 'labs', models: [], rpm: null, tpm: 9000, monthlyBudgetUsd: null });

    const refused = await corral(['teams', 'delete', 'labs']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('still owns 1 key(s)');
    const moved = await corral(['keys', 'update', keyInfo.id, '--team', 'none', '--json']);
    expect(JSON.parse(moved.stdout)).toMatchObject({ teamId: null });
    const deleted = await corral(['teams', 'delete', 'labs']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'deleted team labs\n' });
    expect((await corral(['teams', 'list'])).stdout.trim()).toBe('no teams');
    expect((await corral(['teams', 'update', 'labs', '--rpm', '5'])).code).toBe(1);
    expect((await corral(['teams', 'update', 'labs'])).code).toBe(2);
    expect((await corral(['teams', 'create', '--name', 'x', '--rpm', 'none'])).code).toBe(2);
  });

  it('fails clearly with distinct exit codes', async () => {
    const typo = await corral(['keys', 'create', '--name', 'x', '--rmp', '5']);
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toContain('unknown option: --rmp');
    expect((await corral(['keys', 'create'])).code).toBe(2);
    expect((await corral(['frobnicate'])).code).toBe(2);
    expect((await corral(['keys', 'create', '--name', 'x', '--expires', 'someday'])).stderr).toContain('--expires is not a date');

    const missing = await corral(['keys', 'revoke', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no key with id');
    const malformed = await corral(['keys', 'revoke', 'not-a-uuid']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('id');

    const nobody = await corral(['keys', 'list'], `${world.prefix}x`);
    expect(nobody.code).toBe(3);
    expect(nobody.stderr).toContain('accounting did not answer');
  });

  it('prints help', async () => {
    const help = await corral(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('corral keys create --name NAME');
    expect(help.stdout).toContain('corral teams create --name NAME');
  });
});
