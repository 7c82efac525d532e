import path from 'node:path';
import { parseArgs } from 'node:util';

export interface BenchOptions {
  concurrency: number[];
  /** Which response modes to run: true = stream. */
  streams: boolean[];
  tokenDelaysMs: number[];
  tokensPerReply: number;
  warmupMs: number;
  durationMs: number;
  minRequests: number;
  maxDurationMs: number;
  /** Each cell's window is split into this many rounds, alternating between the paths. */
  rounds: number;
  /** Before each round, wait up to this long for other work on the machine to calm down. */
  quietWaitMs: number;
  /** Measure a round again (up to this many times) when other processes used > 0.3 core during it. */
  retryNoisy: number;
  /** Also measure three do-nothing relay processes in front of an emulator (the cost of the hops alone). */
  floor: boolean;
  /** Measure TCP and NATS round trips between two processes first (what a hop costs here). */
  calibrate: boolean;
  /** Also measure Corral with auth and usage accounting on (a third path per cell). */
  auth: boolean;
  /** Also measure Ollama's native /api/chat, direct and through Corral, in the streamed cells. */
  native: boolean;
  /** Also measure Corral's /v1/messages (Anthropic) beside its /v1/chat/completions, on the same stack. */
  messages: boolean;
  /** Postgres of the accounting service when `auth`. */
  databaseUrl: string;
  /** Directory for edge and worker CPU profiles, when profiling. */
  profileDir: string | undefined;
  /** Where the JSON report goes. */
  output: string;
  quick: boolean;
}

export const USAGE = `pnpm bench [options]

Direct-to-emulator vs through Corral (edge → NATS → worker → emulator), closed-loop load.

  --quick                 smoke run: concurrency 1,16, short windows
  --only stream|non-stream
  --concurrency 1,16,64   virtual users per cell (alias -c)
  --delays 0,10           emulator per-token delays in ms
  --tokens 32             content tokens per reply
  --duration 4000         measurement window per path and cell, ms (at least --min-requests)
  --min-requests 300      the window is extended (up to --max-duration) until this many completed;
                          the target cell (stream, 16 concurrent) needs twice as many, for its p99
  --max-duration 8000     ms (the target cell may take three times as long)
  --warmup 1000           unrecorded load before each path's first round, ms
  --rounds 3              rounds per cell, alternating direct/corral (window, minimum and cap are split)
  --quiet-wait 0          before each round, wait up to this many s until other processes use < 0.2 core
  --retry-noisy 0         measure a round again (up to N times) when other processes used > 0.3 core in it
  --no-calibrate          skip the TCP / NATS round-trip measurement at the start
  --floor                 also run the relay×3 path (three do-nothing TCP relays: what the hops alone cost)
  --auth                  also run Corral with auth + accounting (or BENCH_AUTH=1)
  --no-native             skip the /api/chat paths (Ollama's native API, direct and through Corral; streamed cells)
  --no-messages           skip the /v1/messages path (Anthropic's dialect on the corral stack)
  --database-url URL      accounting's Postgres (default postgres://postgres@127.0.0.1:5432/corral_bench)
  --profile               CPU-profile edge and worker (or BENCH_PROFILE=1) and print their hotspots
  --profile-dir DIR       where the .cpuprofile files go (default bench/results/profiles)
  --output FILE           JSON report (default bench/results/latest.json)
`;

function numberList(text: string, name: string): number[] {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value < 0)) throw new Error(`--${name} expects comma-separated non-negative integers, got ${text}`);
  return values;
}

function positive(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} expects a positive integer, got ${text}`);
  return value;
}

/** pnpm runs the bench inside bench/; a relative path means where the user typed the command. */
const fromCaller = (file: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), file);

const truthy = (value: string | undefined) => value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());

/** Parses the command line (pnpm passes a lone `--` through; it is ignored). */
export function parseOptions(argv: string[], env: Record<string, string | undefined>, benchDir: string): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      help: { type: 'boolean', short: 'h' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      concurrency: { type: 'string', short: 'c' },
      delays: { type: 'string' },
      tokens: { type: 'string' },
      duration: { type: 'string' },
      'min-requests': { type: 'string' },
      'max-duration': { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      'quiet-wait': { type: 'string' },
      'retry-noisy': { type: 'string' },
      auth: { type: 'boolean' },
      messages: { type: 'boolean', default: true },
      floor: { type: 'boolean' },
      native: { type: 'boolean', default: true },
      calibrate: { type: 'boolean', default: true },
      'database-url': { type: 'string' },
      profile: { type: 'boolean' },
      'profile-dir': { type: 'string' },
      output: { type: 'string' },
    },
    allowPositionals: false,
    allowNegative: true,
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  let streams = [true, false];
  if (values.only !== undefined) {
    if (values.only === 'stream') streams = [true];
    else if (values.only === 'non-stream' || values.only === 'nonstream') streams = [false];
    else throw new Error(`--only expects stream or non-stream, got ${values.only}`);
  }
  const profiling = values.profile === true || values['profile-dir'] !== undefined || truthy(env.BENCH_PROFILE);
  return {
    concurrency: values.concurrency ? numberList(values.concurrency, 'concurrency').filter((value) => value > 0) : quick ? [1, 16] : [1, 16, 64],
    streams,
    tokenDelaysMs: values.delays ? numberList(values.delays, 'delays') : [0, 10],
    tokensPerReply: positive(values.tokens, 32, 'tokens'),
    warmupMs: positive(values.warmup, quick ? 300 : 1000, 'warmup'),
    durationMs: positive(values.duration, quick ? 1000 : 4000, 'duration'),
    minRequests: positive(values['min-requests'], quick ? 30 : 300, 'min-requests'),
    maxDurationMs: Math.max(positive(values['max-duration'], quick ? 3000 : 8000, 'max-duration'), positive(values.duration, quick ? 1000 : 4000, 'duration')),
    rounds: positive(values.rounds, quick ? 1 : 3, 'rounds'),
    quietWaitMs: values['quiet-wait'] === undefined ? 0 : positive(values['quiet-wait'], 0, 'quiet-wait') * 1000,
    retryNoisy: values['retry-noisy'] === undefined ? 0 : positive(values['retry-noisy'], 0, 'retry-noisy'),
    floor: values.floor === true,
    calibrate: values.calibrate !== false && !quick,
    auth: values.auth === true || truthy(env.BENCH_AUTH),
    native: values.native !== false,
    messages: values.messages !== false,
    databaseUrl: values['database-url'] ?? env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/corral_bench',
    profileDir: profiling ? (values['profile-dir'] ? fromCaller(values['profile-dir']) : `${benchDir}/results/profiles`) : undefined,
    output: values.output ? fromCaller(values.output) : `${benchDir}/results/latest.json`,
    quick,
  };
}
