/**
 * `pnpm bench:batch`: a batch of embeddings through Corral's Batch API on emulated GPU hosts, against
 * the same inputs sent straight to the emulators' /api/embed in the best call size; then the same
 * streamed chat load without and with a batch running (TTFT p50/p99 both ways). See BENCHMARKS.md.
 */
import { dropDatabase } from '@corral/db';
import { startStack, type Stack } from '@corral/testkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cpuBetween, findProcess, snapshot, type CpuSnapshot } from '../cpu.ts';
import { openPool, runPhase, type PhaseResult, type Target } from '../load.ts';
import { startEmulatorProcess, type EmulatorProcess } from '../services.ts';
import { pooledChangeInterval, round, summarize, type ChangeInterval, type PairedRound } from '../stats.ts';
import { BatchClient, isTerminal, type BatchObject } from './batch-client.ts';
import { embedDirect, type DirectRun } from './direct.ts';
import { describeGc, GcWindow, type GcSummary, type TracedProcess } from './gc-trace.ts';
import { collectOwnGarbage, withOwnCollections } from './own-gc.ts';
import { allInputs, batchInputFile, type BatchShape } from './inputs.ts';
import { parseBatchBenchOptions, type BatchBenchOptions } from './options.ts';
import { checkOutput } from './verify.ts';

/** 100 000 usage events and ~100 MB of output need room (the stack's test defaults are 32 MB and 64 MB). */
const USAGE_ROOM = { USAGE_STREAM_MAX_BYTES: String(1024 ** 3) };
const FILES_ROOM = { FILES_BUCKET_MAX_BYTES: String(4 * 1024 ** 3) };
/** A batch that has not ended by then is reported as stuck rather than waited for forever. */
const BATCH_TIMEOUT_MS = 20 * 60_000;
const PROBE_INPUTS = 16_384;
/** The machine counts as quiet below this many busy cores over a second (an idle stack uses a few hundredths). */
const QUIET_CORES = 0.15;
/** Longest wait for a quiet machine before a window without a batch starts anyway (and says so). */
const SETTLE_MAX_MS = 60_000;

// Node fills in `${pid}` itself: each worker writes its own profile.
const profileArgs = (directory: string, name: string) => ['--cpu-prof', `--cpu-prof-dir=${directory}`, `--cpu-prof-name=${name}.cpuprofile`];

type Kind = 'emulators' | 'edge' | 'workers' | 'accounting' | 'natsServer' | 'loadGenerator';

interface Processes {
  pids: Map<number, Kind>;
  /** With --gc: the services whose --trace-gc output each measurement reads back. */
  traced: TracedProcess[];
}

/** Per kind of process between two snapshots: cores used, and cores' worth of time spent runnable but waiting for a CPU. */
interface KindCpu {
  cores: Record<string, number>;
  waiting: Record<string, number>;
}

function cpuByKind(processes: Processes, before: CpuSnapshot, after: CpuSnapshot): KindCpu {
  const use = cpuBetween(before, after);
  const cores: Record<string, number> = {};
  const waiting: Record<string, number> = {};
  for (const [pid, ms] of use.processMs) {
    const kind = processes.pids.get(pid) ?? 'other';
    cores[kind] = (cores[kind] ?? 0) + ms / use.wallMs;
    waiting[kind] = (waiting[kind] ?? 0) + (use.waitMs.get(pid) ?? 0) / use.wallMs;
  }
  cores.foreign = use.foreignCores;
  // Inside foreign: on a shared virtual machine, the time the host gave our CPUs to someone else.
  cores.steal = use.stealCores;
  const rounded = (values: Record<string, number>) => Object.fromEntries(Object.entries(values).map(([kind, value]) => [kind, round(value, 3)]));
  return { cores: rounded(cores), waiting: rounded(waiting) };
}

async function measured<T>(processes: Processes, work: () => Promise<T>): Promise<{ result: T; gc?: Record<string, GcSummary> } & KindCpu> {
  // A window starts on a clean heap of the load generator's, so no full collection of what earlier
  // phases left lands in the first tokens it times.
  await collectOwnGarbage();
  const gcWindow = processes.traced.length > 0 ? new GcWindow(processes.traced) : undefined;
  const before = snapshot(processes.pids.keys());
  // With --gc the load generator's own collections are observed too; without, nothing watches them.
  const { result, gc: own } = gcWindow ? await withOwnCollections(work) : { result: await work(), gc: undefined };
  const cpu = cpuByKind(processes, before, snapshot(processes.pids.keys()));
  const gc = gcWindow && own ? { ...gcWindow.since(), loadGenerator: own } : undefined;
  return { result, ...cpu, ...(gc ? { gc } : {}) };
}

/** The host's steal in a window: high values mean a disturbed window on a shared machine. */
function stealNote(cores: Record<string, number>): string {
  return `; host steal ${(cores.steal ?? 0).toFixed(2)} cores`;
}

/** The console's account of a window's collections, when --gc traced them. */
function gcNote(gc: Record<string, GcSummary> | undefined): string {
  return gc ? `; gc: ${describeGc(gc)}` : '';
}

/**
 * Waits until the whole machine is quiet for a second: a batch's aftermath (accounting still storing
 * its usage, Postgres vacuuming after it, the lines of a cancelled batch finishing) must not land in
 * a window that is meant to be without a batch. Returns the seconds waited and whether it got quiet.
 */
async function settle(processes: Processes): Promise<{ seconds: number; quiet: boolean; busyCores: number }> {
  const startedAt = performance.now();
  let busyCores = Number.POSITIVE_INFINITY;
  let quiet = false;
  while (!quiet && performance.now() - startedAt < SETTLE_MAX_MS) {
    const before = snapshot(processes.pids.keys());
    await new Promise((resolve) => setTimeout(resolve, 1000));
    busyCores = cpuBetween(before, snapshot(processes.pids.keys())).machineBusyCores;
    quiet = busyCores < QUIET_CORES;
  }
  return { seconds: round((performance.now() - startedAt) / 1000, 1), quiet, busyCores: round(busyCores, 3) };
}

interface CorralRun {
  seconds: number;
  inputsPerSecond: number;
  requestCounts: BatchObject['request_counts'];
  output: ReturnType<typeof checkOutput>;
}

/** One batch from create to completed, its output checked against the direct path's vectors. */
async function runCorralBatch(client: BatchClient, fileId: string, shape: BatchShape, vectors: number[][]): Promise<CorralRun> {
  const startedAt = performance.now();
  const created = await client.create(fileId);
  const done = await client.waitFor(created.id, undefined, 100, BATCH_TIMEOUT_MS);
  const seconds = (performance.now() - startedAt) / 1000;
  if (done.status !== 'completed' || !done.output_file_id) throw new Error(`batch ended ${done.status}: ${JSON.stringify(done)}`);
  const output = checkOutput(await client.content(done.output_file_id), shape, vectors);
  return { seconds, inputsPerSecond: (shape.lines * shape.inputsPerLine) / seconds, requestCounts: done.request_counts, output };
}

interface Window {
  batch: boolean;
  result: PhaseResult;
  cores: Record<string, number>;
  /** Cores' worth of run-queue wait per kind of process: CPU time wanted and not had at once. */
  waiting: Record<string, number>;
  /** Batch inputs finished during the window (with a batch). */
  batchInputsPerSecond?: number;
  batchStillRunning?: boolean;
  /** Before a window without a batch: how long the machine took to get quiet. */
  settled?: { seconds: number; quiet: boolean; busyCores: number };
  /** With --gc: the edge's and the workers' collections during the window. */
  gc?: Record<string, GcSummary>;
}

async function interactiveRounds(options: BatchBenchOptions, stack: Stack, apiKey: string, client: BatchClient, fileId: string, processes: Processes): Promise<Window[]> {
  const target: Target = { label: 'corral', origin: stack.edgeUrl, path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` } };
  const body = JSON.stringify({
    model: 'llama3.2',
    stream: true,
    messages: [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'Tell me about the tides.' },
    ],
  });
  const phase = { concurrency: options.chatUsers, stream: true, body, warmupMs: 2000, durationMs: options.windowMs, minRequests: 600, maxDurationMs: options.windowMs * 2 };
  const pool = openPool(stack.edgeUrl, options.chatUsers);
  const windows: Window[] = [];
  try {
    for (let index = 0; index < options.rounds; index++) {
      const settled = await settle(processes);
      const alone = await measured(processes, () => runPhase(pool, target, phase));
      windows.push({ batch: false, result: alone.result, cores: alone.cores, waiting: alone.waiting, settled, ...(alone.gc ? { gc: alone.gc } : {}) });
      console.error(`round ${index + 1}: without a batch (after ${settled.seconds} s to a ${settled.quiet ? 'quiet' : 'still busy'} machine, ${settled.busyCores} cores), TTFT p99 ${summarize(alone.result.ttfts).p99.toFixed(1)} ms${stealNote(alone.cores)}${gcNote(alone.gc)}`);

      const created = await client.create(fileId);
      const started = await client.waitFor(created.id, (batch) => batch.request_counts.completed > 0);
      let beforeAt = performance.now();
      let countedFrom = started.request_counts.completed;
      const beside = await measured(processes, () =>
        runPhase(pool, target, phase, {
          onWindowStart: () => {
            beforeAt = performance.now();
            void client.retrieve(created.id).then((batch) => (countedFrom = batch.request_counts.completed));
          },
        }),
      );
      const after = await client.retrieve(created.id);
      const windowSeconds = (performance.now() - beforeAt) / 1000;
      windows.push({
        batch: true,
        result: beside.result,
        cores: beside.cores,
        waiting: beside.waiting,
        batchInputsPerSecond: round(((after.request_counts.completed - countedFrom) * options.inputsPerLine) / windowSeconds, 2),
        batchStillRunning: !isTerminal(after),
        ...(beside.gc ? { gc: beside.gc } : {}),
      });
      console.error(`round ${index + 1}: beside a batch, TTFT p99 ${summarize(beside.result.ttfts).p99.toFixed(1)} ms (batch still running at the end: ${!isTerminal(after)})${stealNote(beside.cores)}${gcNote(beside.gc)}`);
      // The next window without a batch must have none: cancel, and wait until its last lines are in.
      if (!isTerminal(after)) await client.cancel(created.id);
      await client.waitFor(created.id);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  } finally {
    await pool.close();
  }
  return windows;
}

/** What `--timings` writes: see line-up.ts, which reads it. */
function writeTimings(file: string, processes: Processes, windows: readonly Window[]): void {
  const timings = { pids: Object.fromEntries(processes.pids), windows: windows.map((window) => ({ batch: window.batch, streams: window.result.timings })) };
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(path.resolve(file), JSON.stringify(timings) + '\n');
}

/**
 * Each round's TTFT p99 change (its window beside a batch against its own window without), and their
 * median. One window is ~700 streams, so its p99 is the 7th slowest: a single stall of this shared
 * machine that delays 3–5 streams at once moves it by 10–20 ms. The pooled figure takes such a
 * window whole; the median of the rounds does not let one round decide.
 */
function roundChanges(windows: readonly Window[]): { rounds: number[]; median: number } {
  const changes = pairedRounds(windows).map((pair) => summarize(pair.treated).p99 / summarize(pair.control).p99 - 1);
  return { rounds: changes.map((change) => round(change, 3)), median: round(summarize(changes).p50, 3) };
}

/** The rounds as pairs of TTFT samples: a window without a batch, then its window beside one. */
function pairedRounds(windows: readonly Window[]): PairedRound[] {
  const rounds: PairedRound[] = [];
  for (let index = 0; index + 1 < windows.length; index += 2) rounds.push({ control: windows[index]!.result.ttfts, treated: windows[index + 1]!.result.ttfts });
  return rounds;
}

function roundedInterval(interval: ChangeInterval): ChangeInterval {
  return { ...interval, low: round(interval.low, 3), high: round(interval.high, 3) };
}

function ttftSummary(windows: readonly Window[], withBatch: boolean) {
  const chosen = windows.filter((window) => window.batch === withBatch);
  const ttfts = chosen.flatMap((window) => window.result.ttfts);
  const latencies = chosen.flatMap((window) => window.result.latencies);
  const ttft = summarize(ttfts);
  const latency = summarize(latencies);
  return {
    windows: chosen.length,
    requests: ttfts.length,
    errors: chosen.reduce((total, window) => total + window.result.errors, 0),
    requestsPerSecond: round(chosen.reduce((total, window) => total + window.result.requestsPerSecond, 0) / Math.max(1, chosen.length), 2),
    ttftP50: round(ttft.p50, 2),
    ttftP90: round(ttft.p90, 2),
    ttftP99: round(ttft.p99, 2),
    latencyP50: round(latency.p50, 2),
    latencyP99: round(latency.p99, 2),
  };
}

/**
 * The batch against the same inputs sent straight to the emulators. Its own function, so the 100 000
 * inputs and the direct path's vectors kept to check the output are garbage by the time TTFT is
 * measured: the load generator is this process, and major collections over a heap that holds them
 * would land in the very first tokens it times.
 */
async function throughputPhase(options: BatchBenchOptions, shape: BatchShape, urls: readonly string[], client: BatchClient, processes: Processes) {
  const totalInputs = shape.lines * shape.inputsPerLine;
  const inputs = allInputs(shape);
  // Warm every emulator's embedding model, so neither path pays a load.
  await embedDirect(urls, inputs.slice(0, options.workers), { callSize: 1, inFlight: 1, dimensions: shape.dimensions, keepVectors: false });

  const probes: DirectRun[] = [];
  for (const callSize of options.callSizes) {
    const probe = await embedDirect(urls, inputs.slice(0, Math.min(PROBE_INPUTS, inputs.length)), { callSize, inFlight: options.directInFlight, dimensions: shape.dimensions, keepVectors: false });
    probes.push(probe);
    console.error(`direct probe: calls of ${callSize}: ${probe.inputsPerSecond.toFixed(0)} inputs/s`);
  }
  const best = probes.reduce((a, b) => (b.inputsPerSecond > a.inputsPerSecond ? b : a));
  const directRun = await measured(processes, () => embedDirect(urls, inputs, { callSize: best.callSize, inFlight: options.directInFlight, dimensions: shape.dimensions, keepVectors: true }));
  console.error(`direct: ${totalInputs} inputs in ${directRun.result.seconds.toFixed(1)} s (${directRun.result.inputsPerSecond.toFixed(0)} inputs/s, calls of ${best.callSize})`);

  const uploadStartedAt = performance.now();
  const fileId = await client.upload(batchInputFile(shape), 'documents.jsonl');
  const uploadSeconds = (performance.now() - uploadStartedAt) / 1000;
  const corral = await measured(processes, () => runCorralBatch(client, fileId, shape, directRun.result.vectors!));
  console.error(`corral: ${totalInputs} inputs in ${corral.result.seconds.toFixed(1)} s (${corral.result.inputsPerSecond.toFixed(0)} inputs/s); output ${JSON.stringify(corral.result.output)}`);
  const direct = { ...directRun, result: { ...directRun.result, vectors: undefined } };
  return { probes, best, direct, uploadSeconds, fileId, corral };
}

async function main(): Promise<void> {
  const options = parseBatchBenchOptions(process.argv.slice(2));
  const shape: BatchShape = { lines: options.lines, inputsPerLine: options.inputsPerLine, dimensions: options.dimensions };
  const totalInputs = shape.lines * shape.inputsPerLine;
  const profileDir = options.profileDir ? path.resolve(options.profileDir) : undefined;
  console.error(`bench:batch: ${shape.lines} lines × ${shape.inputsPerLine} inputs on ${options.workers} emulated hosts (${options.embedCallDelayMs} ms + 1 s per ${options.embedTokensPerSecond} tokens per /api/embed call)`);

  const emulators: EmulatorProcess[] = [];
  let stack: Stack | undefined;
  try {
    for (let index = 0; index < options.workers; index++) {
      emulators.push(
        await startEmulatorProcess(`emulator-batch-${index}`, {
          tokensPerReply: options.tokensPerReply,
          tokenDelayMs: options.tokenDelayMs,
          numParallel: options.chatSlots,
          embedCallDelayMs: options.embedCallDelayMs,
          embedTokensPerSecond: options.embedTokensPerSecond,
        }, profileDir ? profileArgs(profileDir, `emulator-batch-${index}`) : []),
      );
    }
    const urls = emulators.map((emulator) => emulator.url);
    const gcArgs = options.gc ? ['--trace-gc'] : [];
    stack = await startStack({
      workers: urls.map((ollamaUrl) => ({
        ollamaUrl,
        env: { WORKER_CAPACITY: String(options.chatSlots), HEARTBEAT_INTERVAL_MS: '1000', KEEPALIVE_INTERVAL_MS: '1000' },
      })),
      accounting: { databaseUrl: options.databaseUrl, env: USAGE_ROOM },
      edgeEnv: { LOG_LEVEL: 'warn', ...USAGE_ROOM, ...FILES_ROOM },
      removeBusState: true,
      nodeArgs: {
        edge: [...(profileDir ? profileArgs(profileDir, 'edge-batch') : []), ...gcArgs],
        worker: [...(profileDir ? profileArgs(profileDir, 'worker-batch-${pid}') : []), ...gcArgs],
        accounting: profileDir ? profileArgs(profileDir, 'accounting-batch') : [],
      },
    });
    const apiKey = await stack.createKey('bench batch');
    const client = new BatchClient(stack.edgeUrl, apiKey);

    const edge = stack.edge;
    const traced: TracedProcess[] = options.gc
      ? [{ kind: 'edge', output: () => edge.output() }, ...stack.workers.map((worker) => ({ kind: 'workers', output: () => worker.process.output() }))]
      : [];
    const processes: Processes = { pids: new Map(), traced };
    const add = (pid: number | undefined, kind: Kind) => pid !== undefined && processes.pids.set(pid, kind);
    for (const emulator of emulators) add(emulator.process.child.pid, 'emulators');
    add(stack.edge.child.pid, 'edge');
    for (const worker of stack.workers) add(worker.process.child.pid, 'workers');
    add(stack.accounting?.child.pid, 'accounting');
    add(findProcess('nats-server'), 'natsServer');
    add(process.pid, 'loadGenerator');

    const { probes, best, direct, uploadSeconds, fileId, corral } = await throughputPhase(options, shape, urls, client, processes);

    const windows = await interactiveRounds(options, stack, apiKey, client, fileId, processes);
    const without = ttftSummary(windows, false);
    const beside = ttftSummary(windows, true);

    const report = {
      at: new Date().toISOString(),
      options: { ...options, databaseUrl: undefined },
      inputs: totalInputs,
      throughput: {
        directProbes: probes.map((probe) => ({ callSize: probe.callSize, inputsPerSecond: round(probe.inputsPerSecond, 2) })),
        direct: { callSize: best.callSize, calls: direct.result.calls, seconds: round(direct.result.seconds, 2), inputsPerSecond: round(direct.result.inputsPerSecond, 2), cores: direct.cores },
        corral: { uploadSeconds: round(uploadSeconds, 2), seconds: round(corral.result.seconds, 2), inputsPerSecond: round(corral.result.inputsPerSecond, 2), requestCounts: corral.result.requestCounts, output: corral.result.output, cores: corral.cores },
        ratio: round(corral.result.inputsPerSecond / direct.result.inputsPerSecond, 3),
      },
      interactive: {
        users: options.chatUsers,
        withoutBatch: without,
        withBatch: beside,
        ttftP50Change: round(beside.ttftP50 / without.ttftP50 - 1, 3),
        ttftP99Change: round(beside.ttftP99 / without.ttftP99 - 1, 3),
        ttftP99ChangeByRound: roundChanges(windows),
        ttftP99ChangeInterval: roundedInterval(pooledChangeInterval(pairedRounds(windows))),
        windows: windows.map((window) => ({
          batch: window.batch,
          requests: window.result.completed,
          ttftP50: round(summarize(window.result.ttfts).p50, 2),
          ttftP99: round(summarize(window.result.ttfts).p99, 2),
          batchInputsPerSecond: window.batchInputsPerSecond,
          batchStillRunning: window.batchStillRunning,
          settled: window.settled,
          gc: window.gc,
          cores: window.cores,
          waiting: window.waiting,
        })),
      },
    };
    if (options.timingsFile) writeTimings(options.timingsFile, processes, windows);
    const out = path.resolve(options.out);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    printSummary(report);
    console.log(JSON.stringify(report, null, 2));
  } finally {
    await stack?.close(profileDir ? { signal: 'SIGTERM', timeoutMs: 15_000 } : {});
    await Promise.allSettled(emulators.map((emulator) => emulator.stop()));
    await dropDatabase(options.databaseUrl).catch(() => undefined);
  }
}

function printSummary(report: { inputs: number; throughput: { direct: { inputsPerSecond: number; seconds: number; callSize: number }; corral: { inputsPerSecond: number; seconds: number }; ratio: number }; interactive: { withoutBatch: ReturnType<typeof ttftSummary>; withBatch: ReturnType<typeof ttftSummary>; ttftP99Change: number; ttftP99ChangeByRound: ReturnType<typeof roundChanges>; ttftP99ChangeInterval: ChangeInterval } }): void {
  const { throughput, interactive } = report;
  console.error('');
  console.error(`throughput (${report.inputs} inputs): direct ${throughput.direct.inputsPerSecond} inputs/s (${throughput.direct.seconds} s, calls of ${throughput.direct.callSize}); corral ${throughput.corral.inputsPerSecond} inputs/s (${throughput.corral.seconds} s): ${throughput.ratio} × direct`);
  console.error(`interactive TTFT without a batch: p50 ${interactive.withoutBatch.ttftP50} ms, p99 ${interactive.withoutBatch.ttftP99} ms (${interactive.withoutBatch.requests} streams)`);
  console.error(`interactive TTFT beside a batch:  p50 ${interactive.withBatch.ttftP50} ms, p99 ${interactive.withBatch.ttftP99} ms (${interactive.withBatch.requests} streams): p99 ${(interactive.ttftP99Change * 100).toFixed(1)} % pooled, ${(interactive.ttftP99ChangeByRound.median * 100).toFixed(1)} % the median round (${interactive.ttftP99ChangeByRound.rounds.map((change) => `${(change * 100).toFixed(0)} %`).join(', ')})`);
  const { low, high, confidence } = interactive.ttftP99ChangeInterval;
  console.error(`  pooled p99 change, ${confidence * 100} % interval over the rounds resampled: ${(low * 100).toFixed(1)} % to ${(high * 100).toFixed(1)} %`);
}

await main();
