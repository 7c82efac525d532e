import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time from /proc (Linux; elsewhere everything reads as zero): how busy the whole machine was,
 * how much each of our processes used, and so how much went to processes that are not ours. On a
 * shared 2-core box the last one says whether a cell's numbers can be trusted.
 */

/** USER_HZ: /proc reports CPU time in these ticks on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Busy and total ticks of all CPUs together (first line of /proc/stat). `steal` (inside `busy`) is
 * time a virtual CPU wanted to run while the hypervisor ran someone else: on a shared host it is
 * the part of "foreign" that no process on this machine explains.
 */
function machineTicks(): { busy: number; total: number; steal: number } {
  const line = read('/proc/stat').split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait, steal };
}

export interface ProcessCpu {
  /** Time on a CPU, ns. */
  runNs: number;
  /** Time runnable but waiting for a CPU (run-queue delay), ns; 0 when the kernel does not say. */
  waitNs: number;
}

/**
 * CPU use of one process, all threads (zeros once it is gone). The scheduler's per-thread
 * statistics are exact; utime/stime are sampled at the timer tick and overcharge processes that
 * wake briefly and often, which is exactly what a token stream at 10 ms/token does.
 */
function processCpu(pid: number): ProcessCpu {
  let runNs = 0;
  let waitNs = 0;
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return { runNs, waitNs };
  }
  let exact = true;
  for (const task of tasks) {
    const fields = read(`/proc/${pid}/task/${task}/schedstat`).trim().split(' ');
    if (fields.length < 2) {
      exact = false;
      break;
    }
    runNs += Number(fields[0]);
    waitNs += Number(fields[1]);
  }
  if (exact) return { runNs, waitNs };
  const stat = read(`/proc/${pid}/stat`);
  // The command name may contain spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { runNs: ((Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * 1e9) / TICKS_PER_SECOND, waitNs: 0 };
}

/** The pid of the local nats-server, when one runs on this machine. */
export function findProcess(command: string): number | undefined {
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    if (read(`/proc/${entry}/comm`).trim() === command) return Number(entry);
  }
  return undefined;
}

export interface CpuSnapshot {
  at: number;
  machine: { busy: number; total: number; steal: number };
  processes: Map<number, ProcessCpu>;
}

export function snapshot(pids: Iterable<number>): CpuSnapshot {
  const processes = new Map<number, ProcessCpu>();
  for (const pid of pids) processes.set(pid, processCpu(pid));
  return { at: performance.now(), machine: machineTicks(), processes };
}

export interface CpuUse {
  /** CPU ms per pid between two snapshots. */
  processMs: Map<number, number>;
  /** Run-queue wait ms per pid between two snapshots. */
  waitMs: Map<number, number>;
  /** Busy cores of the whole machine on average. */
  machineBusyCores: number;
  /** Busy cores not explained by the given pids (other work on the machine). */
  foreignCores: number;
  /** Of foreignCores, the cores' worth of time the hypervisor took away (steal). */
  stealCores: number;
  wallMs: number;
}

function ticksToMs(ticks: number): number {
  return (ticks * 1000) / TICKS_PER_SECOND;
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const wallMs = after.at - before.at;
  const processMs = new Map<number, number>();
  const waitMs = new Map<number, number>();
  let knownMs = 0;
  for (const [pid, cpu] of after.processes) {
    const earlier = before.processes.get(pid) ?? cpu;
    const used = Math.max(0, (cpu.runNs - earlier.runNs) / 1e6);
    processMs.set(pid, used);
    waitMs.set(pid, Math.max(0, (cpu.waitNs - earlier.waitNs) / 1e6));
    knownMs += used;
  }
  const machineMs = ticksToMs(after.machine.busy - before.machine.busy);
  const stealMs = ticksToMs(after.machine.steal - before.machine.steal);
  return {
    processMs,
    waitMs,
    machineBusyCores: wallMs > 0 ? machineMs / wallMs : 0,
    foreignCores: wallMs > 0 ? Math.max(0, machineMs - knownMs) / wallMs : 0,
    stealCores: wallMs > 0 ? stealMs / wallMs : 0,
    wallMs,
  };
}
