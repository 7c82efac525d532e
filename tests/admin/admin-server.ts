import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { freePort, repoRoot, type ServiceProcess, type Stack } from '@corral/testkit';
import { spawn } from 'node:child_process';

const appRoot = path.join(repoRoot, 'apps', 'admin');

/** Builds the admin app for production unless its build is current (one build for the whole suite). */
export function ensureAdminBuild(): void {
  const result = spawnSync('pnpm', ['--filter', '@corral/admin', 'ensure-build'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (result.status !== 0) throw new Error(`the admin build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface AdminServer {
  url: string;
  process: ServiceProcess;
  close(): Promise<void>;
}

/** `next start` on a free port with the stack's environment (its NATS prefix) and the given database. */
export async function startAdmin(stack: Stack, databaseUrl: string): Promise<AdminServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(appRoot, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: appRoot,
    env: { ...process.env, ...stack.env, DATABASE_URL: databaseUrl, ADMIN_PORT: String(port), LOG_LEVEL: 'warn', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const handle: ServiceProcess = {
    name: 'admin',
    child,
    output: () => output,
    exited,
    kill: (signal: NodeJS.Signals = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    waitForOutput: () => Promise.reject(new Error('not used')),
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${url}/login`).catch(() => undefined);
    await response?.body?.cancel();
    if (response && response.status < 500) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      handle.kill();
      throw new Error(`the admin app did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: handle,
    async close() {
      handle.kill();
      await exited;
    },
  };
}
