// `pnpm bench`: the same closed-loop load direct against the emulator's OpenAI layer and through
// Corral (edge → NATS → worker → emulator); see BENCHMARKS.md for the method and the latest run.
import { repoRoot } from '@corral/testkit';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'undici';
import { cpuBetween, findProcess, snapshot, type CpuSnapshot, type CpuUse } from './cpu.ts';
import { openPool, runPhase, type Phase, type PhaseResult, type Target } from './load.ts';
import { ANTHROPIC_MESSAGES_WIRE, OLLAMA_CHAT_WIRE, type WireMarkers } from './sse.ts';
import { describeMachine, describeRevision } from './machine.ts';
import { parseOptions, USAGE, type BenchOptions } from './options.ts';
import { readProfile, renderProfile, summarizeProfile, type ProfileWindow } from './profile.ts';
import { cellRows, checkTargets, compareCell, isTargetCell, PATH_LABELS, PathName, renderCpuTable, renderFloor, renderHopLatency, renderMessagesOverChat, renderTable, renderTargets, Role, tableHeader, type CellResult, type Report } from './report.ts';
import { measureHopLatency, startCorral, startEmulatorProcess, startRelays, type Corral, type EmulatorProcess, type HopLatency, type RelayChain } from './services.ts';
import { PathTally } from './tally.ts';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MODEL = 'llama3.2';
const PROMPT = 'Write a short poem about a lighthouse keeper who counts the waves.';

const SYSTEM = 'You are a concise assistant.';

function requestBody(stream: boolean): string {
  return JSON.stringify({
    model: MODEL,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: PROMPT },
    ],
    stream,
  });
}

/** The same prompt in Anthropic's Messages API (max_tokens is required; high enough never to cut the reply). */
function messagesBody(stream: boolean): string {
  return JSON.stringify({ model: MODEL, max_tokens: 4096, system: SYSTEM, messages: [{ role: 'user', content: PROMPT }], stream });
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Everything a run started, so an interrupted run leaves no process behind. */
const cleanups = new Set<() => Promise<void>>();
async function cleanUp(): Promise<void> {
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.allSettled(pending.map((cleanup) => cleanup()));
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping the services…`);
    void cleanUp().finally(() => process.exit(130));
  });
}

interface BenchPath {
  name: PathName;
  target: Target;
  pool: Pool;
  /** The request body this path sends. */
  body: (stream: boolean) => string;
  /** The processes this path's requests cross (pid → role), for CPU per request. */
  roles: Map<number, Role>;
  /** Measured in streamed cells only (Ollama's native /api/chat cell). */
  streamOnly: boolean;
}

/** The endpoint a path's requests go to: its body, how its answers read, and whether it has a non-streamed cell. */
interface Endpoint {
  path: string;
  body: (stream: boolean) => string;
  wire?: WireMarkers;
  headers?: Record<string, string>;
  streamOnly: boolean;
}
/** OpenAI's chat completions (SSE, `[DONE]`). */
const OPENAI_CHAT: Endpoint = { path: '/v1/chat/completions', body: requestBody, streamOnly: false };
/** Anthropic's Messages API (event SSE, `message_stop`). */
const ANTHROPIC_MESSAGES: Endpoint = { path: '/v1/messages', body: messagesBody, wire: ANTHROPIC_MESSAGES_WIRE, headers: { 'anthropic-version': '2023-06-01' }, streamOnly: false };
/** Ollama's native chat (NDJSON, a `done` chunk); Ollama reads the OpenAI body's model, messages and stream alike. */
const NATIVE_CHAT: Endpoint = { path: '/api/chat', body: requestBody, wire: OLLAMA_CHAT_WIRE, streamOnly: true };

/** The processes of one token delay: a direct emulator, and Corral (and Corral with auth) each in front of its own. */
interface Topology {
  paths: BenchPath[];
  corrals: { name: PathName; corral: Corral }[];
  /** Every process of ours (and NATS): the rest of the machine's CPU use is someone else's. */
  knownPids: Set<number>;
  close(): Promise<void>;
}

async function startTopology(options: BenchOptions, tokenDelayMs: number, natsPid: number | undefined): Promise<Topology> {
  const emulatorSettings = { tokensPerReply: options.tokensPerReply, tokenDelayMs };
  const maxConcurrency = Math.max(...options.concurrency);
  const emulators: EmulatorProcess[] = [];
  const relayChains: RelayChain[] = [];
  const corrals: { name: PathName; corral: Corral }[] = [];
  const paths: BenchPath[] = [];
  const close = async () => {
    await Promise.allSettled(paths.map((benchPath) => benchPath.pool.close()));
    await Promise.allSettled(corrals.map(({ corral }) => corral.close()));
    await Promise.allSettled(relayChains.map((chain) => chain.stop()));
    await Promise.allSettled(emulators.map((emulator) => emulator.stop()));
  };
  cleanups.add(close);

  const addPath = (name: PathName, origin: string, roles: [number | undefined, Role][], apiKey?: string, endpoint: Endpoint = OPENAI_CHAT) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}), ...endpoint.headers };
    const roleMap = new Map<number, Role>([[process.pid, Role.LoadGenerator]]);
    for (const [pid, role] of roles) if (pid !== undefined) roleMap.set(pid, role);
    const target: Target = { label: PATH_LABELS[name], origin, path: endpoint.path, headers, ...(endpoint.wire ? { wire: endpoint.wire } : {}) };
    paths.push({ name, target, pool: openPool(origin, maxConcurrency), body: endpoint.body, roles: roleMap, streamOnly: endpoint.streamOnly });
  };

  const direct = await startEmulatorProcess(`emulator-direct-d${tokenDelayMs}`, emulatorSettings);
  emulators.push(direct);
  addPath(PathName.Direct, direct.url, [[direct.process.child.pid, Role.Emulator]]);
  // The native cell reuses the direct emulator: paths are measured in turn, never at once.
  if (options.native) addPath(PathName.DirectNative, direct.url, [[direct.process.child.pid, Role.Emulator]], undefined, NATIVE_CHAT);

  if (options.floor) {
    const emulator = await startEmulatorProcess(`emulator-relays-d${tokenDelayMs}`, emulatorSettings);
    emulators.push(emulator);
    const chain = await startRelays(`d${tokenDelayMs}`, emulator.url, 3);
    relayChains.push(chain);
    addPath(PathName.Relays, chain.url, [[emulator.process.child.pid, Role.Emulator], ...chain.processes.map((relay): [number | undefined, Role] => [relay.child.pid, Role.Relay])]);
  }

  const corralSpecs: { name: PathName; auth: boolean }[] = [{ name: PathName.Corral, auth: false }, ...(options.auth ? [{ name: PathName.CorralAuth, auth: true }] : [])];
  for (const spec of corralSpecs) {
    const emulator = await startEmulatorProcess(`emulator-${spec.name}-d${tokenDelayMs}`, emulatorSettings);
    emulators.push(emulator);
    const corral = await startCorral({
      label: `${spec.name}-d${tokenDelayMs}`,
      ollamaUrl: emulator.url,
      ...(spec.auth ? { auth: { databaseUrl: options.databaseUrl } } : {}),
      ...(options.profileDir ? { profileDir: options.profileDir } : {}),
    });
    corrals.push({ name: spec.name, corral });
    const { stack } = corral;
    const roles: [number | undefined, Role][] = [
      [emulator.process.child.pid, Role.Emulator],
      [stack.edge.child.pid, Role.Edge],
      ...stack.workers.map((worker): [number | undefined, Role] => [worker.process.child.pid, Role.Worker]),
      [stack.accounting?.child.pid, Role.Accounting],
      [natsPid, Role.Nats],
    ];
    addPath(spec.name, stack.edgeUrl, roles, corral.apiKey);
    // /api/chat through the same Corral (without auth, as the /v1 path it is compared with).
    if (options.native && !spec.auth) addPath(PathName.CorralNative, stack.edgeUrl, roles, corral.apiKey, NATIVE_CHAT);
    // The same stack through Anthropic's dialect: the difference to `corral` is what the dialect costs.
    if (spec.name === PathName.Corral && options.messages) addPath(PathName.CorralMessages, stack.edgeUrl, roles, corral.apiKey, ANTHROPIC_MESSAGES);
  }
  const knownPids = new Set<number>([process.pid, ...(natsPid === undefined ? [] : [natsPid])]);
  for (const benchPath of paths) for (const pid of benchPath.roles.keys()) knownPids.add(pid);
  for (const { corral } of corrals) if (corral.stack.accounting?.child.pid) knownPids.add(corral.stack.accounting.child.pid);
  return {
    paths,
    corrals,
    knownPids,
    async close() {
      cleanups.delete(close);
      await close();
    },
  };
}

/** Unrecorded traffic on every path before the first cell: connections open, JIT warm, model loaded. */
async function warmUp(topology: Topology, options: BenchOptions): Promise<void> {
  const concurrency = Math.min(8, Math.max(...options.concurrency));
  for (const benchPath of topology.paths) {
    for (const stream of options.streams) {
      if (benchPath.streamOnly && !stream) continue;
      const result = await runPhase(benchPath.pool, benchPath.target, { concurrency, stream, body: benchPath.body(stream), warmupMs: 1, durationMs: options.quick ? 300 : 1500, minRequests: 1, maxDurationMs: 5000 });
      if (result.completed === 0) throw new Error(`${benchPath.target.label} answered nothing during the warm-up: ${result.firstError ?? 'no error'}`);
    }
  }
}

/** Other processes above this share of a core during a round make it noisy (see --retry-noisy). */
const NOISY_CORES = 0.3;

/** Waits (up to the limit) until processes that are not ours use less than a fifth of a core. */
async function waitForQuiet(topology: Topology, limitMs: number): Promise<void> {
  if (limitMs <= 0) return;
  const deadline = performance.now() + limitMs;
  do {
    const before = snapshot(topology.knownPids);
    await sleep(500);
    if (cpuBetween(before, snapshot(topology.knownPids)).foreignCores < 0.2) return;
  } while (performance.now() < deadline);
}

/** One round of one path, with the CPU use of every process of ours during its window. */
async function measureRound(topology: Topology, benchPath: BenchPath, phase: Phase): Promise<{ result: PhaseResult; cpu: CpuUse | undefined }> {
  let before: CpuSnapshot | undefined;
  let cpu: CpuUse | undefined;
  const result = await runPhase(benchPath.pool, benchPath.target, { ...phase, body: benchPath.body(phase.stream) }, {
    onWindowStart: () => (before = snapshot(topology.knownPids)),
    onWindowEnd: () => (cpu = before ? cpuBetween(before, snapshot(topology.knownPids)) : undefined),
  });
  return { result, cpu };
}

/** One cell: every path measured in rounds that alternate between the paths, samples pooled per path. */
async function measureCell(topology: Topology, options: BenchOptions, cell: CellResult): Promise<string[]> {
  const notes: string[] = [];
  const cellPaths = topology.paths.filter((benchPath) => cell.stream || !benchPath.streamOnly);
  const tallies = new Map(cellPaths.map((benchPath) => [benchPath.name, new PathTally()]));
  const rounds = options.rounds;
  let retried = 0;
  // The cell the target is judged on gets more samples, so its p99 is not just the worst few requests.
  const boost = isTargetCell(cell) ? { requests: 2, time: 3 } : { requests: 1, time: 1 };
  for (let round = 0; round < rounds; round++) {
    const phase: Phase = {
      concurrency: cell.concurrency,
      stream: cell.stream,
      body: requestBody(cell.stream),
      // A path's first round warms its connections to this concurrency; later rounds only re-warm.
      warmupMs: round === 0 ? options.warmupMs : Math.min(options.warmupMs, 250),
      durationMs: options.durationMs / rounds,
      minRequests: Math.ceil((options.minRequests * boost.requests) / rounds),
      maxDurationMs: (options.maxDurationMs * boost.time) / rounds,
    };
    // Direct first in even rounds, last in odd ones: drift in the machine's load hits both alike.
    const order = round % 2 === 0 ? cellPaths : [...cellPaths].reverse();
    for (const benchPath of order) {
      for (let attempt = 0; ; attempt++) {
        await waitForQuiet(topology, options.quietWaitMs);
        const { result, cpu } = await measureRound(topology, benchPath, phase);
        if (cpu && cpu.foreignCores > NOISY_CORES && attempt < options.retryNoisy) {
          retried++;
          continue;
        }
        tallies.get(benchPath.name)!.add(result, cpu, benchPath.roles);
        break;
      }
    }
  }
  const where = `${cell.stream ? 'stream' : 'non-stream'} c=${cell.concurrency} ${cell.tokenDelayMs} ms/token`;
  if (retried > 0) notes.push(`${where}: ${retried} noisy round(s) measured again`);
  for (const benchPath of cellPaths) {
    const result = tallies.get(benchPath.name)!.result();
    cell.paths[benchPath.name] = result;
    const label = `${PATH_LABELS[benchPath.name]} ${where}`;
    if (result.errors > 0) notes.push(`${label}: ${result.errors} errors, first: ${result.firstError ?? ''}`);
    if (result.cpu.foreignCores > NOISY_CORES) notes.push(`${label}: other processes used ${result.cpu.foreignCores} cores during the windows (noisy)`);
  }
  compareCell(cell);
  return notes;
}

function notesFor(topology: Topology, tokenDelayMs: number): string[] {
  const notes: string[] = [];
  for (const { name, corral } of topology.corrals) {
    const edgeOutput = corral.stack.edge.output();
    if (edgeOutput.includes('usage buffer full')) notes.push(`${PATH_LABELS[name]} (${tokenDelayMs} ms/token): the edge's usage buffer overflowed (no usage stream); it logged while measuring`);
    const errors = edgeOutput.split('\n').filter((line) => line.includes('"level":50') || line.includes('"level":60')).length;
    if (errors > 0) notes.push(`${PATH_LABELS[name]} (${tokenDelayMs} ms/token): the edge logged ${errors} error lines`);
  }
  return notes;
}

function summarizeProfiles(directory: string, windows: Record<string, ProfileWindow>): string {
  if (!existsSync(directory)) return `no profiles in ${directory}`;
  const files = readdirSync(directory).filter((file) => file.endsWith('.cpuprofile')).sort();
  return files
    .map((file) => {
      const label = file.replace(/^(edge|worker)-/, '').replace(/\.cpuprofile$/, '');
      const summary = summarizeProfile(readProfile(path.join(directory, file)), path.relative(repoRoot, path.join(directory, file)), repoRoot, 25, windows[label]);
      return renderProfile(summary);
    })
    .join('\n\n');
}

async function main(): Promise<void> {
  let parsed: BenchOptions | 'help';
  try {
    parsed = parseOptions(process.argv.slice(2), process.env, benchDir);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const options = parsed;
  const startedAt = new Date();
  const machine = describeMachine();
  const revision = describeRevision(repoRoot);
  const natsPid = findProcess('nats-server');
  const settings = {
    model: MODEL,
    prompt: PROMPT,
    tokensPerReply: options.tokensPerReply,
    tokenDelaysMs: options.tokenDelaysMs,
    concurrency: options.concurrency,
    modes: options.streams.map((stream) => (stream ? 'stream' : 'non-stream')),
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    minRequests: options.minRequests,
    maxDurationMs: options.maxDurationMs,
    rounds: options.rounds,
    floor: options.floor,
    auth: options.auth,
    profiling: options.profileDir !== undefined,
    natsServerLocal: natsPid !== undefined,
    ttftDefinition: 'stream: first network read holding a non-empty delta.content (message.content on /api/chat); non-stream: the whole response (= latency)',
  };
  log(`machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}, load ${machine.loadAverage1m}`);
  log(`code: ${revision.commit}${revision.uncommitted.length > 0 ? ` + uncommitted changes in ${revision.uncommitted.join(', ')}` : ''}`);
  log(
    `load: ${options.tokensPerReply} tokens per reply, delays ${options.tokenDelaysMs.join('/')} ms, concurrency ${options.concurrency.join('/')}, ${settings.modes.join(' + ')}; ` +
      `per path and cell ${options.rounds} round(s), together ≥ ${options.durationMs} ms and ≥ ${options.minRequests} requests (≤ ${options.maxDurationMs} ms)${options.auth ? '; with corral+auth' : ''}`,
  );
  let hopLatency: HopLatency | undefined;
  if (options.calibrate) {
    hopLatency = await measureHopLatency();
    log(renderHopLatency(hopLatency));
  }
  if (options.profileDir) {
    mkdirSync(options.profileDir, { recursive: true });
    // Profiles keep fixed names per path and delay; stale ones from an earlier run must not be read.
    for (const file of readdirSync(options.profileDir)) if (/^(edge|worker)-.*\.cpuprofile$/.test(file)) rmSync(path.join(options.profileDir, file));
  }

  const cells: CellResult[] = [];
  const notes: string[] = [];
  /** Per Corral path and delay: the span after start-up and warm-up, which is what the profiles are read over. */
  const profileWindows: Record<string, ProfileWindow> = {};
  let printedHeader = false;
  for (const tokenDelayMs of options.tokenDelaysMs) {
    log(`\nstarting emulators and Corral for ${tokenDelayMs} ms/token…`);
    const topology = await startTopology(options, tokenDelayMs, natsPid);
    try {
      await warmUp(topology, options);
      const fromUs = nowUs();
      for (const stream of options.streams) {
        for (const concurrency of options.concurrency) {
          const cell: CellResult = { stream, concurrency, tokenDelayMs, paths: {}, added: {} };
          notes.push(...(await measureCell(topology, options, cell)));
          cells.push(cell);
          if (!printedHeader) log(`\n${tableHeader()}`);
          printedHeader = true;
          log(cellRows(cell));
        }
      }
      notes.push(...notesFor(topology, tokenDelayMs));
      for (const { name } of topology.corrals) profileWindows[`${name}-d${tokenDelayMs}`] = { fromUs, toUs: nowUs() };
    } finally {
      await topology.close();
    }
  }

  const targets = checkTargets(cells);
  const report: Report = { version: 1, startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, revision, settings, ...(hopLatency ? { hopLatency } : {}), cells, targets, notes };
  mkdirSync(path.dirname(options.output), { recursive: true });
  writeFileSync(options.output, `${JSON.stringify(report, null, 2)}\n`);

  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nms; +x = added over direct (ratio to direct); n = requests measured; ! = errors (see notes)\n${renderTable(cells)}\n\n${renderTargets(targets)}\n`);
  if (hopLatency) process.stdout.write(`\n${renderHopLatency(hopLatency)}\n`);
  if (options.messages) process.stdout.write(`\n/v1/messages over /v1/chat/completions (corral msgs − corral, same stack):\n${renderMessagesOverChat(cells)}\n`);
  if (options.floor) process.stdout.write(`\nThe hops alone (relay×3 − direct) and Corral beyond them (corral − relay×3):\n${renderFloor(cells)}\n`);
  process.stdout.write(`\nCPU ms per request by process (rq wait = ms the path's processes waited for a free core, busy = machine cores in use, foreign = cores used by processes not ours)\n${renderCpuTable(cells)}\n`);
  for (const note of notes) process.stdout.write(`note: ${note}\n`);
  process.stdout.write(`\nJSON: ${path.relative(process.env.INIT_CWD ?? process.cwd(), options.output)}\n`);
  if (options.profileDir) {
    // analyse-profile reads the same windows, so a later look at the files counts the same samples.
    writeFileSync(path.join(options.profileDir, 'windows.json'), `${JSON.stringify(profileWindows, null, 2)}\n`);
    process.stdout.write(`\nCPU profiles (${options.profileDir}), measured span only:\n${summarizeProfiles(options.profileDir, profileWindows)}\n`);
  }
}

try {
  await main();
} catch (error) {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  await cleanUp();
  process.exit(1);
}
