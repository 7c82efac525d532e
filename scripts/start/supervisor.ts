import { startChild, terminal, type ChildExit, type ChildSpec, type Output, type RunningChild } from './child.ts';

/** Infrastructure (NATS, emulator) is stopped only after every service has exited. */
export type Tier = 'infrastructure' | 'service';

interface Supervised {
  child: RunningChild;
  tier: Tier;
}

/**
 * Owns every child the launcher starts. Any unexpected exit stops the rest and makes the
 * launcher exit non-zero; a requested shutdown stops services first, then infrastructure
 * in reverse start order, then runs cleanups (e.g. an embedded Postgres).
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
  ) {}

  get isStopping(): boolean {
    return this.stopping;
  }

  start(spec: ChildSpec, tier: Tier): RunningChild {
    const child = startChild(spec, this.output);
    this.children.push({ child, tier });
    void child.exited.then((exit) => {
      if (this.stopping) return;
      this.say(`${spec.name} exited unexpectedly (${describeExit(exit)}); stopping everything`);
      void this.shutdown(1);
    });
    return child;
  }

  addCleanup(cleanup: () => Promise<void>): void {
    this.cleanups.push(cleanup);
  }

  /** Idempotent: the first call decides the exit code. */
  async shutdown(exitCode: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
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
    for (const { child } of this.children) child.signal('SIGKILL');
  }

  /** Last resort when the launcher itself dies: nothing is left running behind it. */
  signalAll(signal: NodeJS.Signals): void {
    for (const { child } of this.children) child.signal(signal);
  }

  private async stopTier(group: Supervised[]): Promise<void> {
    const running = group.filter(({ child }) => child.isRunning());
    if (running.length === 0) return;
    this.say(`stopping ${running.map(({ child }) => child.spec.name).join(', ')}`);
    for (const { child } of running) child.signal('SIGTERM');
    await Promise.all(running.map(({ child }) => child.exited));
  }
}

export function describeExit(exit: ChildExit): string {
  if (exit.signal !== null) return `signal ${exit.signal}`;
  if (exit.code !== null) return `code ${exit.code}`;
  return 'failed to start';
}
