import { startEmulator } from '../emulator/emulator.ts';
import type { Emulator, EmulatorOptions } from '../emulator/types.ts';
import { randomBytes } from 'node:crypto';
import { createApiKey, removeBusState } from './accounting.ts';
import { externalOllama } from './external-ollama.ts';
import { freePort, startService, type ServiceProcess } from './processes.ts';
import { testStorageEnv } from '../testing/storage-limits.ts';

export const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export interface WorkerSpec {
  emulator?: EmulatorOptions;
  env?: Record<string, string>;
  /**
   * Serve this Ollama (e.g. an emulator in its own process) instead of starting an in-process
   * emulator; `emulator` is then ignored and the handle's emulator only knows its url.
   */
  ollamaUrl?: string;
}

export interface StackOptions {
  /** One emulator + worker per entry. */
  workers?: WorkerSpec[];
  edgeEnv?: Record<string, string>;
  /** Subject prefix. Default: a unique one (uniquePrefix('e2e')). */
  prefix?: string;
  /** The NATS every service of this stack uses (e.g. a private startNatsServer). Default: the shared one (`natsUrl`). */
  natsUrl?: string;
  /** Extra Node flags per service (e.g. `--cpu-prof`); see also close({ signal }). */
  nodeArgs?: { edge?: string[]; worker?: string[]; accounting?: string[] };
  /**
   * Runs accounting beside the edge (keys, usage stream and consumer) and turns authentication on:
   * the edge starts without AUTH_DISABLED unless edgeEnv says otherwise. Create keys with createKey.
   */
  accounting?: { databaseUrl: string; env?: Record<string, string> };
  /** close() deletes the prefix's usage stream, KV and blob buckets (every edge watches the models bucket). Default: true. */
  removeBusState?: boolean;
}

export interface CloseOptions {
  /** Default SIGKILL. With SIGTERM the services shut down cleanly (e.g. to write a --cpu-prof profile). */
  signal?: NodeJS.Signals;
  /** How long a graceful stop may take before SIGKILL. Default: 10 000 ms. */
  timeoutMs?: number;
}

export interface WorkerHandle {
  readonly emulator: Emulator;
  readonly process: ServiceProcess;
  readonly workerId: string;
}

export interface Stack {
  readonly prefix: string;
  /** The environment every service of this stack shares (NATS_URL, CORRAL_PREFIX, ...). */
  readonly env: Record<string, string>;
  readonly edgeUrl: string;
  readonly edge: ServiceProcess;
  readonly workers: WorkerHandle[];
  /** The accounting process, when StackOptions.accounting asked for one. */
  readonly accounting: ServiceProcess | undefined;
  /** Adds one more emulator + worker to the running stack. */
  addWorker(options?: WorkerSpec): Promise<WorkerHandle>;
  /** Waits until the edge sees exactly `count` live workers. */
  waitForWorkers(count: number, timeoutMs?: number): Promise<void>;
  /** Creates an API key through accounting and returns its plaintext once the edge accepts it. */
  createKey(name: string, timeoutMs?: number): Promise<string>;
  close(options?: CloseOptions): Promise<void>;
}

export function uniquePrefix(label: string): string {
  return `${label}${process.pid}${randomBytes(3).toString('hex')}`;
}

async function readyWorkers(edgeUrl: string): Promise<number> {
  try {
    const response = await fetch(`${edgeUrl}/readyz`);
    const body = (await response.json()) as { workers?: number };
    return body.workers ?? 0;
  } catch {
    return -1;
  }
}

/** Edge + N workers (each beside its own Ollama emulator) on the real NATS server, under a private prefix. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const prefix = options.prefix ?? uniquePrefix('e2e');
  const stackNatsUrl = options.natsUrl ?? natsUrl;
  const common = { NATS_URL: stackNatsUrl, CORRAL_PREFIX: prefix, LOG_LEVEL: 'warn', ...testStorageEnv };
  const nodeArgs = options.nodeArgs ?? {};
  const workers: WorkerHandle[] = [];
  const emulators: Emulator[] = [];

  // At info, accounting says when it is ready (and nothing per request).
  const accounting = options.accounting
    ? startService('accounting', 'apps/accounting/src/main.ts', { ...common, LOG_LEVEL: 'info', DATABASE_URL: options.accounting.databaseUrl, ...options.accounting.env }, { nodeArgs: nodeArgs.accounting ?? [] })
    : undefined;

  const addWorker = async (spec: WorkerSpec = {}) => {
    const emulator = spec.ollamaUrl === undefined ? await startEmulator(spec.emulator) : externalOllama(spec.ollamaUrl);
    emulators.push(emulator);
    const workerId = `w${workers.length}${randomBytes(2).toString('hex')}`;
    const process = startService(
      `worker-${workerId}`,
      'apps/worker/src/main.ts',
      {
        ...common,
        OLLAMA_URL: emulator.url,
        WORKER_ID: workerId,
        HEARTBEAT_INTERVAL_MS: '250',
        KEEPALIVE_INTERVAL_MS: '250',
        ...spec.env,
      },
      { nodeArgs: nodeArgs.worker ?? [] },
    );
    const handle = { emulator, process, workerId };
    workers.push(handle);
    return handle;
  };

  for (const spec of options.workers ?? [{}]) await addWorker(spec);
  // Keys can only be created once accounting serves requests.
  await accounting?.waitForOutput(/accounting ready/, 30_000);

  const port = await freePort();
  const edge = startService(
    'edge',
    'apps/edge/src/main.ts',
    {
      ...common,
      PORT: String(port),
      HOST: '127.0.0.1',
      STREAM_IDLE_TIMEOUT_MS: '2000',
      AUTH_DISABLED: accounting ? 'false' : 'true',
      ...options.edgeEnv,
    },
    { nodeArgs: nodeArgs.edge ?? [] },
  );
  const edgeUrl = `http://127.0.0.1:${port}`;

  const waitForWorkers = async (count: number, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    while (Date.now() < deadline) {
      seen = await readyWorkers(edgeUrl);
      if (seen === count) return;
      if (edge.child.exitCode !== null) throw new Error(`edge exited:\n${edge.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`edge saw ${seen} workers, expected ${count}\nedge:\n${edge.output()}\n${workers.map((worker) => `${worker.process.name}:\n${worker.process.output()}`).join('\n')}`);
  };

  await waitForWorkers(workers.length);

  const createKey = async (name: string, timeoutMs = 30_000) => {
    const key = await createApiKey(stackNatsUrl, prefix, name, timeoutMs).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\naccounting:\n${accounting?.output() ?? '(not started by this stack)'}`);
    });
    // The edge learns keys from a KV watch: wait until this one is in its table.
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await fetch(`${edgeUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).catch(() => undefined);
      await response?.body?.cancel();
      if (response?.ok) return key;
      if (Date.now() > deadline) throw new Error(`the edge did not accept the new key within ${timeoutMs} ms (last status ${response?.status ?? 'none'})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  return {
    prefix,
    env: common,
    edgeUrl,
    edge,
    workers,
    accounting,
    addWorker,
    waitForWorkers,
    createKey,
    async close(closeOptions: CloseOptions = {}) {
      const signal = closeOptions.signal ?? 'SIGKILL';
      const services = [edge, ...workers.map((worker) => worker.process), ...(accounting ? [accounting] : [])];
      for (const service of services) service.kill(signal);
      const killer =
        signal === 'SIGKILL'
          ? undefined
          : setTimeout(() => {
              for (const service of services) service.kill('SIGKILL');
            }, closeOptions.timeoutMs ?? 10_000);
      await Promise.all(services.map((service) => service.exited));
      clearTimeout(killer);
      await Promise.all(emulators.map((emulator) => emulator.close()));
      if (options.removeBusState ?? true) await removeBusState(stackNatsUrl, prefix);
    },
  };
}
