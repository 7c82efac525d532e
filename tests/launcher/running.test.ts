import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { delimiter, join } from 'node:path';
import { connectBus, deleteBatchStores, deleteBlobBucket, deleteFileStore, deleteKv, deleteUsageStream } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { freePort, natsUrl, repoRoot, uniquePrefix } from '@corral/testkit';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The real launcher, as a person runs it: its own process group (a terminal's foreground job),
 * the real services, the emulator, the shared NATS and a private database and prefix.
 */
interface Launcher {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  /** Resolves with the first match of `pattern` in the output; rejects if the launcher exits first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Deletes what the launcher's accounting and edge created under the prefix on the shared NATS. */
async function removeBusState(prefix: string): Promise<void> {
  const bus = await connectBus({ servers: natsUrl, name: `launcher-test-${prefix}`, prefix });
  try {
    await deleteUsageStream(bus);
    await deleteKv(bus, 'keys');
    await deleteKv(bus, 'models');
    await deleteKv(bus, 'teams');
    await deleteBlobBucket(bus);
    await deleteFileStore(bus);
    await deleteBatchStores(bus);
  } finally {
    await bus.close();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function launcherEnvironment(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const prefix = uniquePrefix('launcher');
  const databaseUrl = testDatabaseUrl('launcher');
  cleanups.push(async () => {
    await removeBusState(prefix);
    await dropDatabase(databaseUrl);
  });
  return {
    ...(process.env as Record<string, string>),
    NATS_URL: natsUrl,
    DATABASE_URL: databaseUrl,
    CORRAL_PREFIX: prefix,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    EMULATOR_PORT: String(await freePort()),
    ADMIN_PORT: String(await freePort()),
    AUTH_DISABLED: 'true',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

function startLauncher(command: string, args: string[], env: Record<string, string>): Launcher {
  const child = spawn(command, args, { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (data: Buffer) => {
    output += data.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
    for (const listener of listeners) listener();
  });
  cleanups.push(async () => {
    // Whatever a failed test left running: the launcher stops its services on SIGTERM.
    if (running) process.kill(-child.pid!, 'SIGTERM');
    await exited;
  });
  return {
    process: child,
    exited,
    output: () => output,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            listeners.delete(check);
            resolve(match);
          } else if (!running) {
            listeners.delete(check);
            reject(new Error(`the launcher exited before printing ${pattern}; output:\n${output}`));
          }
        };
        listeners.add(check);
        check();
      }),
  };
}

async function chat(edgeUrl: string): Promise<{ status: number; content: string | undefined }> {
  try {
    const response = await fetch(`${edgeUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'hello' }] }),
    });
    const body = (await response.json()) as { choices?: Array<{ message?: { content?: string } }> };
    return { status: response.status, content: body.choices?.[0]?.message?.content };
  } catch {
    return { status: 0, content: undefined };
  }
}

/** Polls until a chat request through the edge succeeds; the launcher must keep running meanwhile. */
async function untilChatSucceeds(launcher: Launcher, edgeUrl: string): Promise<string> {
  for (;;) {
    if (launcher.process.exitCode !== null) throw new Error(`the launcher exited; output:\n${launcher.output()}`);
    const answer = await chat(edgeUrl);
    if (answer.status === 200 && answer.content) return answer.content;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const servicePids = /started accounting \(pid (\d+)\), worker \(pid (\d+)\), edge \(pid (\d+)\)/;

describe('pnpm start', () => {
  it('restarts its SIGKILLed worker and keeps serving, and Ctrl-C then ends it cleanly with exit code 0', { timeout: 240_000 }, async () => {
    const env = await launcherEnvironment();
    const edgeUrl = `http://127.0.0.1:${env.PORT}`;
    // A person's shell PATH: the one vitest inherits from `pnpm vitest` starts with node_modules/.bin,
    // whose `node` is a shell wrapper that a terminal's Ctrl-C kills before pnpm can report.
    const PATH = env.PATH!.split(delimiter)
      .filter((directory) => !directory.endsWith(join('node_modules', '.bin')))
      .join(delimiter);
    const launcher = startLauncher('pnpm', ['start', '--emulator'], { ...env, PATH });
    const [, , workerPid, edgePid] = await launcher.waitFor(servicePids);
    expect((await untilChatSucceeds(launcher, edgeUrl)).length).toBeGreaterThan(0);
    // A fresh database has no admin user: the launcher says how to create the first.
    await launcher.waitFor(/No admin user yet: create the first with `pnpm corral admin create --email you@example\.com`/);
    // The admin app runs too, as a production build, where the launcher says.
    const [, adminUrl] = await launcher.waitFor(/admin app on (http:\/\/127\.0\.0\.1:\d+)/);
    expect(adminUrl).toBe(`http://127.0.0.1:${env.ADMIN_PORT}`);
    await expect.poll(async () => fetch(`${adminUrl}/login`).then(async (response) => `${response.status} ${(await response.text()).includes('Sign in')}`, () => 'down'), { timeout: 60_000, interval: 500 }).toBe('200 true');

    process.kill(Number(workerPid), 'SIGKILL');
    await launcher.waitFor(/worker exited unexpectedly \(signal SIGKILL\); restarting it in [\d.]+ s, the rest keep serving/);
    const [, restartedPid] = await launcher.waitFor(/worker restarted \(pid (\d+)\)/);
    expect(restartedPid).not.toBe(workerPid);
    expect((await untilChatSucceeds(launcher, edgeUrl)).length).toBeGreaterThan(0);
    // The rest kept serving: the edge is the process it was, nothing was stopped.
    expect(isAlive(Number(edgePid))).toBe(true);
    expect(launcher.output()).not.toMatch(/^corral {5}\| stopping/m);

    // Ctrl-C: the terminal signals the whole foreground process group (pnpm, its shell, the launcher).
    process.kill(-launcher.process.pid!, 'SIGINT');
    expect(await launcher.exited, launcher.output()).toBe(0);
    const output = launcher.output();
    expect(output).toContain('SIGINT: stopping');
    // The ordered shutdown ran to its end: services first, then the emulator.
    expect(output.indexOf('stopping accounting, worker, edge')).toBeLessThan(output.indexOf('stopping emulator'));
    expect(output).not.toContain('ELIFECYCLE');
    expect(output).not.toContain('again: killing');
    for (const pid of [restartedPid, edgePid]) expect(isAlive(Number(pid))).toBe(false);
  });

  it('gives up on a service that crashes in a loop, naming it with its last lines, and exits non-zero', { timeout: 240_000 }, async () => {
    // The edge's port is taken, so every edge it starts dies at once: a crash no restart can fix.
    const squatter: Server = createServer();
    const port = await new Promise<number>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve((squatter.address() as { port: number }).port)));
    cleanups.push(() => new Promise((resolve) => squatter.close(() => resolve())));
    const env = await launcherEnvironment({ PORT: String(port) });
    const launcher = startLauncher(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--emulator'], env);
    const [, accountingPid, workerPid] = await launcher.waitFor(servicePids);

    expect(await launcher.exited).toBe(1);
    const output = launcher.output();
    // Four restarts, the fifth crash within the minute is the verdict (more only if boots took over a minute).
    expect(output.match(/edge exited unexpectedly \(code 1\); restarting it in/g)?.length).toBeGreaterThanOrEqual(4);
    const verdict = /corral {5}\| edge crashed 5 times within 60\.0 s \(last: code 1\); giving up and stopping everything\. The last lines edge printed:\n((?: {2}.*\n)+)/.exec(output);
    expect(verdict, output).not.toBeNull();
    expect(verdict![1]).toContain('EADDRINUSE');
    // Everything else was stopped in order.
    expect(output).toContain('stopping accounting, worker');
    expect(output).toContain('stopping emulator');
    for (const pid of [accountingPid, workerPid]) expect(isAlive(Number(pid))).toBe(false);
  });
});
