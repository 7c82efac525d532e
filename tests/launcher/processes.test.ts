import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

function supervisor(output: Output, said: string[] = []): Supervisor {
  const created = new Supervisor((message) => said.push(message), output);
  supervisors.push(created);
  return created;
}

describe('Supervisor', () => {
  it('stops everything and exits 1 when a child dies unexpectedly', async () => {
    const output = collectingOutput();
    const said: string[] = [];
    const launcher = supervisor(output, said);
    const steady = launcher.start(nodeChild('steady', drainingChild), 'service');
    await nextLine(steady, 'ready');
    launcher.start(nodeChild('crasher', 'console.log("boom"); process.exit(3)'), 'service');

    expect(await launcher.done).toBe(1);
    expect(said).toContain('crasher exited unexpectedly (code 3); stopping everything');
    expect(await steady.exited).toEqual({ code: 0, signal: null });
    expect(output.text()).toContain('steady     | stopping on SIGTERM\n');
    expect(output.text()).toContain('crasher    | boom\n');
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

  it('reports a command that cannot be started as an unexpected exit', async () => {
    const said: string[] = [];
    const launcher = supervisor(collectingOutput(), said);
    launcher.start({ name: 'ghost', command: '/nonexistent/binary', args: [], cwd: process.cwd(), env: {} }, 'service');
    expect(await launcher.done).toBe(1);
    expect(said).toContain('ghost exited unexpectedly (failed to start); stopping everything');
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
