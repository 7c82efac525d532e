import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started: anything else busy on the box skews the numbers. */
  loadAverage1m: number;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function osName(): string {
  const pretty = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readText('/etc/os-release'))?.[1];
  return `${pretty ?? os.type()} (${os.type()} ${os.release()}, ${os.arch()})`;
}

export function describeMachine(): Machine {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readText('/proc/cpuinfo'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  return {
    cpuModel: cpuModel.trim(),
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: osName(),
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

export interface Revision {
  commit: string;
  /** Files of the services (apps/, packages/) changed but not committed when the run started. */
  uncommitted: string[];
}

/** Which code was measured: the commit, and what in apps/ and packages/ differed from it. */
export function describeRevision(repoRoot: string): Revision {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  const uncommitted = git('status', '--porcelain', '--', 'apps', 'packages')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.slice(3));
  return { commit: git('rev-parse', '--short', 'HEAD') || 'unknown', uncommitted };
}
