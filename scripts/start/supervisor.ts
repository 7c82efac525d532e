import { performance } from 'node:perf_hooks';
import { startChild, terminal, type ChildExit, type ChildSpec, type Output, type RunningChild } from './child.ts';
import { CrashHistory, defaultRestartPolicy, type RestartPolicy } from './restart-policy.ts';

/** Infrastructure (NATS, emulator) is stopped only after every service has exited. */
export type Tier = 'infrastructure' | 'service';

interface Supervised {
  readonly spec: ChildSpec;
  readonly tier: Tier;
  readonly crashes: CrashHistory;
  /** The process now running for this spec (a new one after every restart). */
  current: RunningChild;
  startedAt: number;
  pendingRestart: NodeJS.Timeout | undefined;
}

/**
 * Owns every child the launcher starts. A child that exits unexpectedly is restarted with
 * exponential backoff while the rest keep serving; only a crash loop (too many crashes within
 * the policy's window) stops everything and makes the launcher exit non-zero. A requested
 * shutdown stops services first, then infrastructure in reverse start order, then runs
 * cleanups (e.g. an embedded Postgres).
 */
export class Supervisor {
  private readonly children: Supervised[] = [];
  private readonly cleanups: Array<() => Promise<void>> = [];
  private stopping = false;
  private resolveDone: (code: number) => void = () => undefined;
  /** Settles with the launcher's exit code once everything has stopped. */
  readonly done = new Promise<number>((resolve) => {
    this.resolveDone = resolve;
  });

  constructor(
    private readonly say: (message: string) => void,
    private readonly output: Output = terminal,
    private readonly policy: RestartPolicy = defaultRestartPolicy,
  ) {}

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Starts a child and keeps it running; returns its first process (for readiness checks at startup). */
  start(spec: ChildSpec, tier: Tier): RunningChild {
    const supervised: Supervised = {
      spec,
      tier,
      crashes: new CrashHistory(this.policy),
      current: startChild(spec, this.output),
      startedAt: performance.now(),
      pendingRestart: undefined,
    };
    this.children.push(supervised);
    this.watch(supervised);
    return supervised.current;
  }

  addCleanup(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** Idempotent: the first call decides the exit code. */
  async shutdown(exitCode: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const supervised of this.children) clearTimeout(supervised.pendingRestart);
    await this.stopTier(this.children.filter(({ tier }) => tier === 'service'));
    for (const supervised of this.children.filter(({ tier }) => tier === 'infrastructure').reverse()) {
      await this.stopTier([supervised]);
    }
    for (const cleanup of this.cleanups.reverse()) {
      await cleanup().catch((error: unknown) => this.say(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    this.resolveDone(exitCode);
  }

  /** A second Ctrl-C: stop waiting for drains. */
  forceKill(): void {
    for (const { current } of this.children) current.signal('SIGKILL');
  }

  /** Last resort when the launcher itself dies: nothing is left running behind it. */
  signalAll(signal: NodeJS.Signals): void {
    for (const { current } of this.children) current.signal(signal);
  }

  private watch(supervised: Supervised): void {
    const running = supervised.current;
    void running.exited.then((exit) => {
      if (this.stopping || running !== supervised.current) return;
      this.onCrash(supervised, exit);
    });
  }

  private onCrash(supervised: Supervised, exit: ChildExit): void {
    const { spec } = supervised;
    const now = performance.now();
    const verdict = supervised.crashes.record(now, now - supervised.startedAt);
    if (!verdict.restart) {
      const lines = supervised.current.recentLines();
      const tail = lines.length === 0 ? '  (it printed nothing)' : lines.map((line) => `  ${line}`).join('\n');
      this.say(
        `${spec.name} crashed ${verdict.crashesInWindow} times within ${seconds(this.policy.windowMs)} (last: ${describeExit(exit)}); ` +
          `giving up and stopping everything. The last lines ${spec.name} printed:\n${tail}`,
      );
      void this.shutdown(1);
      return;
    }
    this.say(`${spec.name} exited unexpectedly (${describeExit(exit)}); restarting it in ${seconds(verdict.delayMs)}, the rest keep serving`);
    supervised.pendingRestart = setTimeout(() => {
      supervised.pendingRestart = undefined;
      if (this.stopping) return;
      supervised.current = startChild(spec, this.output);
      supervised.startedAt = performance.now();
      this.say(`${spec.name} restarted (pid ${supervised.current.pid ?? 'none'})`);
      this.watch(supervised);
    }, verdict.delayMs);
  }

  private async stopTier(group: Supervised[]): Promise<void> {
    const running = group.filter(({ current }) => current.isRunning());
    if (running.length === 0) return;
    this.say(`stopping ${running.map(({ spec }) => spec.name).join(', ')}`);
    for (const { current } of running) current.signal('SIGTERM');
    await Promise.all(running.map(({ current }) => current.exited));
  }
}

export function describeExit(exit: ChildExit): string {
  if (exit.signal !== null) return `signal ${exit.signal}`;
  if (exit.code !== null) return `code ${exit.code}`;
  return 'failed to start';
}

function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(milliseconds < 1000 ? 2 : 1)} s`;
}
