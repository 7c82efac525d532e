import { parseArgs } from 'node:util';

export interface BatchBenchOptions {
  /** Lines of the batch file (OpenAI's limit is 50 000). */
  lines: number;
  /** Inputs per line: lines × inputs is the whole batch. */
  inputsPerLine: number;
  /** Emulated GPU hosts, each with its own worker. */
  workers: number;
  /** `dimensions` of every request: the vectors' width, so the size of every answer. */
  dimensions: number;
  /** The emulated GPU's embedding speed: fixed cost per /api/embed call, and tokens per second. */
  embedCallDelayMs: number;
  embedTokensPerSecond: number;
  /** Direct call sizes tried on a sample; the best one sends the whole batch. */
  callSizes: number[];
  /** Calls each emulator has in flight on the direct path (2: the next one is always waiting). */
  directInFlight: number;
  /** Interactive load: closed-loop streamed chat users, and their emulators' speed. */
  chatUsers: number;
  chatSlots: number;
  tokenDelayMs: number;
  tokensPerReply: number;
  /** Length of each interactive measurement window, and how many rounds alternate without and with a batch. */
  windowMs: number;
  rounds: number;
  databaseUrl: string;
  out: string;
  /** Writes CPU profiles of the edge, the workers, accounting and the emulators here (see `pnpm --filter @corral/bench profile`). */
  profileDir: string | undefined;
  /** Writes every measured stream's timings (CLOCK_MONOTONIC) and the processes by kind here, to line up with `perf record`. */
  timingsFile: string | undefined;
  /** Runs the edge and the workers with --trace-gc and reports each window's collections. */
  gc: boolean;
}

const HELP = `pnpm bench:batch [options]

A batch of embeddings through Corral's Batch API on emulated GPU hosts, against the same inputs sent
straight to the emulators' /api/embed; then streamed chat users' TTFT without and with a batch running.

  --lines N             batch file lines (default 50000)
  --inputs-per-line N   inputs per line (default 2: 100 000 inputs)
  --workers N           emulated GPU hosts, one worker each (default 4)
  --dimensions N        vector width requested (default 32)
  --embed-call-ms N     emulated GPU: fixed ms per /api/embed call (default 5)
  --embed-tps N         emulated GPU: embedding tokens per second (default 6000, ~500 short inputs/s)
  --call-sizes a,b,c    direct call sizes to try (default 256,512,1024,2048)
  --chat-users N        interactive streamed chat users (default 8)
  --chat-slots N        parallel chat slots per emulator = WORKER_CAPACITY (default 4)
  --token-delay N       ms per generated token (default 10)
  --tokens N            tokens per chat reply (default 32)
  --window-ms N         each interactive window, at least 600 streams (default 20000)
  --rounds N            rounds of (without, with) a batch (default 6: fewer leave the p99 interval wide)
  --quick               5 000 lines, 5 s windows, one round
  --database-url URL    Postgres for accounting (default postgres://postgres@127.0.0.1:5432/corral_bench_batch, dropped afterwards)
  --out FILE            JSON report (default bench/results/batch-latest.json)
  --profile DIR         CPU-profile the edge, the workers, accounting and the emulators into DIR
  --timings FILE        every measured stream's start, first token and end on CLOCK_MONOTONIC, and the
                        pids by kind: line them up with \`perf record -a -k CLOCK_MONOTONIC\` using
                        \`pnpm --filter @corral/bench line-up FILE PERF_SCRIPT_OUTPUT\`
  --gc                  run the edge and the workers with --trace-gc: each window reports their
                        collections and the main-thread time they took`;

export function parseBatchBenchOptions(argv: readonly string[]): BatchBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      lines: { type: 'string' },
      'inputs-per-line': { type: 'string' },
      workers: { type: 'string' },
      dimensions: { type: 'string' },
      'embed-call-ms': { type: 'string' },
      'embed-tps': { type: 'string' },
      'call-sizes': { type: 'string' },
      'chat-users': { type: 'string' },
      'chat-slots': { type: 'string' },
      'token-delay': { type: 'string' },
      tokens: { type: 'string' },
      'window-ms': { type: 'string' },
      rounds: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'database-url': { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      timings: { type: 'string' },
      gc: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const positive = (name: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) throw new Error(`--${name}: expected a positive integer, got ${value}`);
    return parsed;
  };
  const quick = values.quick === true;
  return {
    lines: positive('lines', values.lines, quick ? 5000 : 50_000),
    inputsPerLine: positive('inputs-per-line', values['inputs-per-line'], 2),
    workers: positive('workers', values.workers, 4),
    dimensions: positive('dimensions', values.dimensions, 32),
    embedCallDelayMs: positive('embed-call-ms', values['embed-call-ms'], 5),
    embedTokensPerSecond: positive('embed-tps', values['embed-tps'], 6000),
    callSizes: (values['call-sizes'] ?? '256,512,1024,2048').split(',').map((size) => positive('call-sizes', size, 0)),
    directInFlight: 2,
    chatUsers: positive('chat-users', values['chat-users'], 8),
    chatSlots: positive('chat-slots', values['chat-slots'], 4),
    tokenDelayMs: positive('token-delay', values['token-delay'], 10),
    tokensPerReply: positive('tokens', values.tokens, 32),
    windowMs: positive('window-ms', values['window-ms'], quick ? 5000 : 20_000),
    rounds: positive('rounds', values.rounds, quick ? 1 : 6),
    databaseUrl: values['database-url'] ?? 'postgres://postgres@127.0.0.1:5432/corral_bench_batch',
    out: values.out ?? 'results/batch-latest.json',
    profileDir: values.profile,
    timingsFile: values.timings,
    gc: values.gc,
  };
}
