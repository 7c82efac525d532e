import { freePort, natsUrl, startService, startStack, uniquePrefix, type ServiceProcess, type Stack } from '@corral/testkit';
import path from 'node:path';

export interface EmulatorSettings {
  tokensPerReply: number;
  tokenDelayMs: number;
  /** Parallel slots per chat model (embedding models always have one). Default EMULATOR_SLOTS. */
  numParallel?: number;
  /** GPU-like embedding speed (see the emulator's README); default instant. */
  embedCallDelayMs?: number;
  embedTokensPerSecond?: number;
}

export interface EmulatorProcess {
  readonly url: string;
  readonly process: ServiceProcess;
  stop(): Promise<void>;
}

/** Parallel slots per emulated model: above any concurrency we run, so the emulator never queues. */
const EMULATOR_SLOTS = 256;

/** The Ollama emulator in its own process (`pnpm emulator`), so it never shares an event loop with the load. */
export async function startEmulatorProcess(name: string, settings: EmulatorSettings, nodeArgs: string[] = []): Promise<EmulatorProcess> {
  const port = await freePort();
  const process = startService(name, 'packages/testkit/src/emulator/main.ts', {
    EMULATOR_HOST: '127.0.0.1',
    EMULATOR_PORT: String(port),
    EMULATOR_TOKENS: String(settings.tokensPerReply),
    EMULATOR_TOKEN_DELAY_MS: String(settings.tokenDelayMs),
    EMULATOR_NUM_PARALLEL: String(settings.numParallel ?? EMULATOR_SLOTS),
    EMULATOR_EMBED_CALL_DELAY_MS: String(settings.embedCallDelayMs ?? 0),
    EMULATOR_EMBED_TOKENS_PER_SECOND: String(settings.embedTokensPerSecond ?? 0),
    EMULATOR_MAX_QUEUE: '1024',
    EMULATOR_KEEP_ALIVE: '1h',
  }, { nodeArgs });
  const line = await process.waitForOutput(/listening on http:\/\/\S+/, 30_000);
  return {
    url: line.slice(line.indexOf('http://')),
    process,
    stop: () => stopProcess(process),
  };
}

export interface RelayChain {
  /** Origin of the first relay (where the load goes). */
  readonly url: string;
  readonly processes: ServiceProcess[];
  stop(): Promise<void>;
}

export async function stopProcess(service: ServiceProcess): Promise<void> {
  service.kill('SIGTERM');
  const timer = setTimeout(() => service.kill('SIGKILL'), 5000);
  await service.exited;
  clearTimeout(timer);
}

/** `count` relay processes in a row in front of `targetUrl` (see relay.ts); `tap` makes them print timestamps. */
export async function startRelays(label: string, targetUrl: string, count: number, tap = false): Promise<RelayChain> {
  const processes: ServiceProcess[] = [];
  let target = new URL(targetUrl).host;
  let url = targetUrl;
  try {
    for (let index = count; index >= 1; index--) {
      const relay = startService(`relay${index}-${label}`, 'bench/src/relay.ts', { RELAY_PORT: String(await freePort()), RELAY_TARGET: target, RELAY_TAP: tap ? '1' : '0' });
      processes.unshift(relay);
      const line = await relay.waitForOutput(/listening on http:\/\/\S+/, 30_000);
      url = line.slice(line.indexOf('http://'));
      target = new URL(url).host;
    }
  } catch (error) {
    await Promise.allSettled(processes.map(stopProcess));
    throw error;
  }
  return { url, processes, stop: async () => void (await Promise.allSettled(processes.map(stopProcess))) };
}

export interface CorralOptions {
  label: string;
  ollamaUrl: string;
  /** Runs accounting and turns auth on; the Bearer key is in `apiKey`. */
  auth?: { databaseUrl: string };
  /** Writes edge and worker CPU profiles into this directory (on close). */
  profileDir?: string;
}

export interface Corral {
  readonly stack: Stack;
  readonly apiKey: string | undefined;
  close(): Promise<void>;
}

function profileArgs(directory: string, name: string): string[] {
  return ['--cpu-prof', `--cpu-prof-dir=${directory}`, `--cpu-prof-name=${name}.cpuprofile`];
}

/** Edge + one worker in front of an emulator process, on the real NATS under a private prefix. */
export async function startCorral(options: CorralOptions): Promise<Corral> {
  const prefix = uniquePrefix('bench');
  const profileDir = options.profileDir ? path.resolve(options.profileDir) : undefined;
  const stack = await startStack({
    prefix,
    workers: [
      {
        ollamaUrl: options.ollamaUrl,
        env: {
          // Capacity above every concurrency we run: we measure the gateway, not its queueing.
          WORKER_CAPACITY: '128',
          WORKER_MAX_INFLIGHT: '256',
          // Production defaults (the test stack speeds them up).
          HEARTBEAT_INTERVAL_MS: '1000',
          KEEPALIVE_INTERVAL_MS: '1000',
        },
      },
    ],
    edgeEnv: { LOG_LEVEL: 'warn', STREAM_IDLE_TIMEOUT_MS: '5000' },
    ...(options.auth ? { accounting: { databaseUrl: options.auth.databaseUrl } } : {}),
    ...(profileDir
      ? { nodeArgs: { edge: profileArgs(profileDir, `edge-${options.label}`), worker: profileArgs(profileDir, `worker-${options.label}`) } }
      : {}),
    // Foundation stacks create a `models` bucket too; leave nothing behind on the shared server.
    removeBusState: true,
  });
  const apiKey = options.auth ? await stack.createKey(`bench ${options.label}`) : undefined;
  return {
    stack,
    apiKey,
    // SIGTERM lets the services exit cleanly, which is when --cpu-prof writes its profile.
    close: () => stack.close(profileDir ? { signal: 'SIGTERM', timeoutMs: 15_000 } : {}),
  };
}

export interface HopLatency {
  /** Round trips over loopback TCP between two processes, by idle gap before each ("gap0ms", "gap10ms"). */
  tcpMs: Record<string, { p50: number; p99: number }>;
  /** Round trips through the NATS server (publish with reply subject, answered by another process). */
  natsMs: Record<string, { p50: number; p99: number }>;
}

/** Measures what a process hop costs on this machine (testkit's hop-latency script, in its own process). */
export async function measureHopLatency(): Promise<HopLatency> {
  const probe = startService('hop-latency', 'packages/testkit/src/stack/hop-latency.ts', { NATS_URL: natsUrl, HOP_PREFIX: uniquePrefix('hop') });
  try {
    const line = await probe.waitForOutput(/hop-latency \{.*\}/, 60_000);
    return JSON.parse(line.slice(line.indexOf('{'))) as HopLatency;
  } finally {
    await stopProcess(probe);
  }
}
