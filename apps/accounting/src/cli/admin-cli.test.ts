import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { callAccounting } from '@corral/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, natsUrl, type TestWorld } from '../testing/index.ts';

const cliPath = fileURLToPath(new URL('./main.ts', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('corral admin against a running accounting', () => {
  let world: TestWorld;
  beforeAll(async () => {
    world = await createTestWorld('admincli');
    await world.start();
  });
  afterAll(async () => world?.close());

  function corral(args: string[], stdin = ''): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
        env: { ...process.env, NATS_URL: natsUrl, CORRAL_PREFIX: world.prefix },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
  }

  const signIn = (email: string, password: string) => callAccounting(world.bus, 'admin.login', { email, password });

  it('creates an admin with a generated one-time password, printed once on the last line, that signs in', async () => {
    const created = await corral(['admin', 'create', '--email', 'first@example.com']);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const lines = created.stdout.trimEnd().split('\n');
    const password = lines.at(-1)!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(created.stdout).toContain('role:        admin');
    expect(created.stdout).toContain('`corral admin reset-password` issues a new one');
    expect((await signIn('first@example.com', password)).user.role).toBe('admin');

    const listed = await corral(['admin', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ID\s+EMAIL\s+ROLE\s+LAST LOGIN\s+STATUS/);
    expect(listed.stdout).toContain('first@example.com');
    expect(listed.stdout).not.toContain(password);
  });

  it('creates a viewer from a password on stdin, without printing it, and refuses a short one', async () => {
    const created = await corral(['admin', 'create', '--email', 'viewer@example.com', '--role', 'viewer', '--password-stdin', '--json'], 'piped passphrase 42\nignored second line\n');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ user: { email: 'viewer@example.com', role: 'viewer' } });
    expect(created.stdout).not.toContain('piped passphrase');
    expect((await signIn('viewer@example.com', 'piped passphrase 42')).user.role).toBe('viewer');

    const short = await corral(['admin', 'create', '--email', 'short@example.com', '--password-stdin'], 'too short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 12 characters');
    const duplicate = await corral(['admin', 'create', '--email', 'viewer@example.com', '--password-stdin'], 'piped passphrase 43\n');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    const badRole = await corral(['admin', 'create', '--email', 'x@example.com', '--role', 'owner']);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be admin or viewer');
  });

  it('resets a password: the old one and the old sessions stop working, the new one signs in', async () => {
    await corral(['admin', 'create', '--email', 'reset@example.com', '--password-stdin'], 'the original passphrase\r\n');
    const session = await signIn('reset@example.com', 'the original passphrase');
    const reset = await corral(['admin', 'reset-password', '--email', 'reset@example.com']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain('sessions ended: 1');
    const password = reset.stdout.trimEnd().split('\n').at(-1)!;
    await expect(callAccounting(world.bus, 'admin.session.resolve', { token: session.token })).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(signIn('reset@example.com', 'the original passphrase')).rejects.toMatchObject({ code: 'unauthorized' });
    expect((await signIn('reset@example.com', password)).user.email).toBe('reset@example.com');

    const missing = await corral(['admin', 'reset-password', '--email', 'nobody@example.com', '--password-stdin'], 'whatever passphrase\n');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no admin user');
  });
});
