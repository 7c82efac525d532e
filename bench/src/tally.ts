import type { CpuUse } from './cpu.ts';
import type { PhaseResult } from './load.ts';
import type { PathResult, Role } from './report.ts';
import { round, summarize, type Summary } from './stats.ts';

function roundSummary(summary: Summary): Summary {
  return { count: summary.count, mean: round(summary.mean), p50: round(summary.p50), p90: round(summary.p90), p99: round(summary.p99), max: round(summary.max) };
}

/** Pools the rounds of one path in one cell: samples, counts, window time and CPU per process role. */
export class PathTally {
  private readonly latencies: number[] = [];
  private readonly ttfts: number[] = [];
  private completed = 0;
  private completedInWindow = 0;
  private errors = 0;
  private firstError: string | undefined;
  private windowMs = 0;
  private rounds = 0;
  private readonly roleMs = new Map<Role, number>();
  private readonly roleWaitMs = new Map<Role, number>();
  private machineBusyMs = 0;
  private foreignMs = 0;
  private cpuWallMs = 0;

  add(phase: PhaseResult, cpu: CpuUse | undefined, roles: ReadonlyMap<number, Role>): void {
    this.rounds++;
    for (const value of phase.latencies) this.latencies.push(value);
    for (const value of phase.ttfts) this.ttfts.push(value);
    this.completed += phase.completed;
    this.completedInWindow += phase.completedInWindow;
    this.errors += phase.errors;
    this.firstError ??= phase.firstError;
    this.windowMs += phase.windowMs;
    if (!cpu) return;
    for (const [pid, role] of roles) {
      this.roleMs.set(role, (this.roleMs.get(role) ?? 0) + (cpu.processMs.get(pid) ?? 0));
      this.roleWaitMs.set(role, (this.roleWaitMs.get(role) ?? 0) + (cpu.waitMs.get(pid) ?? 0));
    }
    this.machineBusyMs += cpu.machineBusyCores * cpu.wallMs;
    this.foreignMs += cpu.foreignCores * cpu.wallMs;
    this.cpuWallMs += cpu.wallMs;
  }

  result(): PathResult {
    const perRequest = (totals: Map<Role, number>) => {
      const result: Partial<Record<Role, number>> = {};
      for (const [role, ms] of totals) result[role] = this.completedInWindow > 0 ? round(ms / this.completedInWindow, 4) : Number.NaN;
      return result;
    };
    return {
      requestsPerSecond: round(this.windowMs > 0 ? (this.completedInWindow * 1000) / this.windowMs : 0, 1),
      completed: this.completed,
      errors: this.errors,
      ...(this.firstError ? { firstError: this.firstError } : {}),
      rounds: this.rounds,
      windowMs: Math.round(this.windowMs),
      latencyMs: roundSummary(summarize(this.latencies)),
      ttftMs: roundSummary(summarize(this.ttfts)),
      cpu: {
        msPerRequest: perRequest(this.roleMs),
        waitMsPerRequest: perRequest(this.roleWaitMs),
        machineBusyCores: this.cpuWallMs > 0 ? round(this.machineBusyMs / this.cpuWallMs, 2) : 0,
        foreignCores: this.cpuWallMs > 0 ? round(this.foreignMs / this.cpuWallMs, 2) : 0,
      },
    };
  }
}
