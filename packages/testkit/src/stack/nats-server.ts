import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './processes.ts';

export interface NatsServerOptions {
  /** Default: a free port. */
  port?: number;
  /** JetStream store directory. Default: a fresh temporary directory, removed by close(). */
  storeDir?: string;
  /** The nats-server binary. Default: NATS_SERVER_BIN, else nats-server on PATH. */
  binary?: string;
}

/** A private nats-server with JetStream, for tests that stop and restart NATS under running services. */
export interface NatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** Whether the server process is running. */
  running(): boolean;
  /** Everything the server printed, across restarts. */
  output(): string;
  /** Stops the server with SIGTERM (SIGKILL after `timeoutMs`) and waits until it exited. */
  stop(timeoutMs?: number): Promise<void>;
  /** Starts it again on the same port and store, and waits until it accepts connections. */
  start(timeoutMs?: number): Promise<void>;
  /** Stops the server and removes a store directory this helper created. */
  close(): Promise<void>;
}

/** Where nats-server is: NATS_SERVER_BIN, else the first match on PATH; a clear error otherwise. */
export function findNatsServer(): string {
  const configured = process.env.NATS_SERVER_BIN;
  if (configured) return configured;
  for (const directory of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!directory) continue;
    const candidate = path.join(directory, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(
    'this test runs its own nats-server, and none was found: nats-server is not on PATH and NATS_SERVER_BIN is not set. ' +
      'Install it (Debian/Ubuntu: apt-get install nats-server; elsewhere the release binary from https://github.com/nats-io/nats-server/releases) or set NATS_SERVER_BIN.',
  );
}

/** Starts nats-server with JetStream on 127.0.0.1 and resolves once it accepts connections. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = options.binary ?? findNatsServer();
  const port = options.port ?? (await freePort());
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? mkdtempSync(path.join(tmpdir(), 'corral-nats-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  // A test process that dies without its afterAll must not leave the server behind.
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const start = async (timeoutMs = 10_000) => {
    if (running()) return;
    const started = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const collect = (data: Buffer) => (output += data.toString());
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    exited = new Promise((resolve) => started.once('exit', () => resolve()));
    let spawnError: Error | undefined;
    started.once('error', (error) => (spawnError = error));
    const deadline = Date.now() + timeoutMs;
    while (!(await accepts(port))) {
      if (spawnError) throw new Error(`could not run nats-server (${binary}): ${spawnError.message}`);
      if (!running()) throw new Error(`nats-server (${binary}) exited before accepting connections on port ${port}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`nats-server did not accept connections on port ${port} within ${timeoutMs} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  const stop = async (timeoutMs = 10_000) => {
    if (!running()) return;
    const stopping = child!;
    stopping.kill('SIGTERM');
    const killer = setTimeout(() => stopping.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(killer);
  };

  const close = async () => {
    await stop();
    process.off('exit', killOnExit);
    if (ownsStore) rmSync(storeDir, { recursive: true, force: true });
  };

  try {
    await start();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    running,
    output: () => output,
    stop,
    start,
    close,
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
