import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChildSpec, Output, RunningChild } from '../../scripts/start/child.ts';
import { startNatsServer } from '../../scripts/start/nats.ts';
import { canConnect } from '../../scripts/start/probe.ts';
import { Supervisor } from '../../scripts/start/supervisor.ts';
import { findOnPath } from '../../scripts/start/which.ts';

// A child that says "ready", then on SIGTERM says it is stopping and exits cleanly.
const drainingChild = `
  process.on('SIGTERM', () => { console.log('stopping on SIGTERM'); process.exit(0); });
  console.log('ready');
  setInterval(() => undefined, 1000);
`;

function nodeChild(name: string, script: string): ChildSpec {
  return { name, command: process.execPath, args: ['-e', script], cwd: process.cwd(), env: { PATH: process.env.PATH } };
}

function collectingOutput(): Output & { text: () => string } {
  const chunks: string[] = [];
  return { out: (text) => void chunks.push(text), err: (text) => void chunks.push(text), text: () => chunks.join('') };
}

function nextLine(child: RunningChild, wanted: string): Promise<void> {
  return new Promise((resolve) => child.onLine((line) => line === wanted && resolve()));
}

const supervisors: Supervisor[] = [];
afterEach(async () => {
  // Whatever a failed test left running is stopped here, never leaked.
  await Promise.all(supervisors.splice(0).map((supervisor) => supervisor.shutdown(0)));
});

/** Quick restarts, and a window no slow machine can outlast, so a test decides how many crashes make a loop. */
const quickPolicy = { initialDelayMs: 10, maxDelayMs: 40, maxCrashes: 3, windowMs: 10 * 60_000, healthyAfterMs: 10 * 60_000 };

function supervisor(output: Output, said: string[] = []): Supervisor {
  const created = new Supervisor((message) => said.push(message), output, quickPolicy);
  supervisors.push(created);
  return created;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('Supervisor', () => {
  it('restarts a child that died unexpectedly and keeps the rest running', async () => {
    const output = collectingOutput();
    const said: string[] = [];
    const launcher = supervisor(output, said);
    const steady = launcher.start(nodeChild('steady', drainingChild), 'service');
    await nextLine(steady, 'ready');
    // Crashes on its first run only: the marker file tells the restarted process it ran before.
    const marker = join(mkdtempSync(join(tmpdir(), 'corral-crash-once-')), 'crashed');
    const crashOnce = `
      const fs = require('node:fs');
      if (!fs.existsSync(${JSON.stringify(marker)})) { fs.writeFileSync(${JSON.stringify(marker)}, ''); console.log('boom'); process.exit(3); }
      console.log('back');
      setInterval(() => undefined, 1000);
    `;
    launcher.start(nodeChild('crasher', crashOnce), 'service');

    await until(() => output.text().includes('crasher    | back\n'));
    expect(said.find((message) => message.startsWith('crasher exited unexpectedly (code 3); restarting it in '))).toBeDefined();
    expect(said.some((message) => /^crasher restarted \(pid \d+\)$/.test(message))).toBe(true);
    expect(steady.isRunning()).toBe(true);
    expect(launcher.isStopping).toBe(false);

    await launcher.shutdown(0);
    expect(await launcher.done).toBe(0);
    expect(output.text()).toContain('steady     | stopping on SIGTERM\n');
    rmSync(dirname(marker), { recursive: true, force: true });
  });

  it('gives up on a crash loop, naming the service and its last lines, stops the rest and exits 1', async () => {
    const output = collectingOutput();
    const said: string[] = [];
    const launcher = supervisor(output, said);
    const steady = launcher.start(nodeChild('steady', drainingChild), 'service');
    await nextLine(steady, 'ready');
    launcher.start(nodeChild('crasher', 'console.log("loading config"); console.error("config is broken"); process.exit(3)'), 'service');

    expect(await launcher.done).toBe(1);
    expect(said.filter((message) => message.startsWith('crasher exited unexpectedly (code 3); restarting'))).toHaveLength(2);
    const verdict = said.find((message) => message.startsWith('crasher crashed 3 times'));
    expect(verdict).toBe(
      'crasher crashed 3 times within 600.0 s (last: code 3); giving up and stopping everything. The last lines crasher printed:\n  loading config\n  config is broken',
    );
    expect(await steady.exited).toEqual({ code: 0, signal: null });
    expect(output.text()).toContain('steady     | stopping on SIGTERM\n');
  });

  it('restarts nothing once a shutdown has begun', async () => {
    const said: string[] = [];
    const launcher = supervisor(collectingOutput(), said);
    const child = launcher.start(nodeChild('worker', drainingChild), 'service');
    await nextLine(child, 'ready');
    await launcher.shutdown(0);
    expect(said.some((message) => message.includes('restart'))).toBe(false);
  });

  it('on shutdown stops services before infrastructure, then runs cleanups', async () => {
    const output = collectingOutput();
    const launcher = supervisor(output);
    const infrastructure = launcher.start(nodeChild('bus', drainingChild), 'infrastructure');
    const service = launcher.start(nodeChild('worker', drainingChild), 'service');
    await Promise.all([nextLine(infrastructure, 'ready'), nextLine(service, 'ready')]);
    let cleanedUpAfterBus = false;
    launcher.addCleanup(async () => {
      cleanedUpAfterBus = !infrastructure.isRunning();
    });

    await launcher.shutdown(0);
    expect(await launcher.done).toBe(0);
    const text = output.text();
    expect(text.indexOf('worker     | stopping on SIGTERM')).toBeGreaterThanOrEqual(0);
    expect(text.indexOf('worker     | stopping on SIGTERM')).toBeLessThan(text.indexOf('bus        | stopping on SIGTERM'));
    expect(cleanedUpAfterBus).toBe(true);
  });

  it('gives up on a command that cannot be started, with the reason', async () => {
    const said: string[] = [];
    const launcher = supervisor(collectingOutput(), said);
    launcher.start({ name: 'ghost', command: '/nonexistent/binary', args: [], cwd: process.cwd(), env: {} }, 'service');
    expect(await launcher.done).toBe(1);
    expect(said[0]).toMatch(/^ghost exited unexpectedly \(failed to start\); restarting it in [\d.]+ s, the rest keep serving$/);
    expect(said.at(-1)).toMatch(/^ghost crashed 3 times within 600\.0 s \(last: failed to start\); giving up and stopping everything\. The last lines ghost printed:\n {2}could not start: spawn \/nonexistent\/binary ENOENT$/);
  });
});

describe('startNatsServer', () => {
  it('starts nats-server with JetStream on a free port and stops it on shutdown', async () => {
    const binary = findOnPath('nats-server', process.env.PATH);
    expect(binary, 'nats-server must be on PATH for this test').toBeDefined();
    const root = mkdtempSync(join(tmpdir(), 'corral-launcher-'));
    try {
      const launcher = supervisor(collectingOutput());
      const nats = await startNatsServer(binary ?? '', launcher, root, { PATH: process.env.PATH });
      const port = Number(new URL(nats.url).port);
      expect(nats.source).toContain('JetStream in .corral/nats');
      expect(await canConnect('127.0.0.1', port)).toBe(true);
      await launcher.shutdown(0);
      expect(await canConnect('127.0.0.1', port)).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
