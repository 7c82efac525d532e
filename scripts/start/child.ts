import { spawn, type ChildProcess } from 'node:child_process';
import { formatPrefix, LinePrefixer } from './line-prefixer.ts';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Where children's prefixed lines go; the terminal unless a test collects them. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const terminal: Output = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export interface RunningChild {
  readonly spec: ChildSpec;
  /** Undefined when the command could not be spawned. */
  readonly pid: number | undefined;
  readonly exited: Promise<ChildExit>;
  isRunning(): boolean;
  /** The last lines it printed (stdout and stderr), oldest first, to explain a crash. */
  recentLines(): string[];
  /** Called with every bare stdout line, e.g. to spot the URL a child prints when ready. */
  onLine(listener: (line: string) => void): void;
  signal(signal: NodeJS.Signals): void;
}

/** How many of a child's last lines are kept to explain why it crashed. */
export const keptLines = 20;

/** Spawns a child whose stdout and stderr come out line by line, prefixed with its name. */
export function startChild(spec: ChildSpec, output: Output = terminal): RunningChild {
  // Own process group: a terminal Ctrl-C reaches only the launcher, which then stops the
  // children in order (services drain while NATS is still up) instead of all at once.
  const child: ChildProcess = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const listeners: Array<(line: string) => void> = [];
  const recent: string[] = [];
  const keep = (line: string) => {
    recent.push(line);
    if (recent.length > keptLines) recent.shift();
  };
  const prefix = formatPrefix(spec.name);
  const stdout = new LinePrefixer(prefix, (prefixed, line) => {
    output.out(prefixed);
    keep(line);
    for (const listener of listeners) listener(line);
  });
  const stderr = new LinePrefixer(prefix, (prefixed, line) => {
    output.err(prefixed);
    keep(line);
  });
  child.stdout?.setEncoding('utf8').on('data', (text: string) => stdout.push(text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => stderr.push(text));

  let running = true;
  const exited = new Promise<ChildExit>((resolve) => {
    child.once('error', (error) => {
      // Spawn failures (missing binary) never emit 'exit'.
      if (!running) return;
      running = false;
      const line = `could not start: ${error.message}`;
      output.err(`${prefix}${line}\n`);
      keep(line);
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => {
      if (!running) return;
      running = false;
      stdout.flush();
      stderr.flush();
      resolve({ code, signal });
    });
  });

  return {
    spec,
    pid: child.pid,
    exited,
    isRunning: () => running,
    recentLines: () => [...recent],
    onLine: (listener) => listeners.push(listener),
    signal: (signal) => {
      if (running) child.kill(signal);
    },
  };
}
