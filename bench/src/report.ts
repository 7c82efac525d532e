import type { Machine, Revision } from './machine.ts';
import type { HopLatency } from './services.ts';
import { addedFigures, round, type AddedFigures, type LatencyFigures, type Summary } from './stats.ts';

export const PathName = {
  Direct: 'direct',
  /** Three do-nothing TCP relay processes in front of an emulator: the cost of the hops alone. */
  Relays: 'relays',
  Corral: 'corral',
  CorralAuth: 'corralAuth',
  /** The same emulator and Corral, over Ollama's native `/api/chat` (NDJSON) instead of `/v1/chat/completions`. */
  DirectNative: 'directNative',
  CorralNative: 'corralNative',
  /** The Corral stack of `corral`, asked through Anthropic's `/v1/messages` instead of `/v1/chat/completions`. */
  CorralMessages: 'corralMessages',
} as const;
export type PathName = (typeof PathName)[keyof typeof PathName];

export const PATH_LABELS: Record<PathName, string> = {
  direct: 'direct',
  relays: 'relay×3',
  corral: 'corral',
  corralAuth: 'corral+auth',
  directNative: 'direct /api',
  corralNative: 'corral /api',
  corralMessages: 'corral msgs',
};

/** Every path in the order tables list them. */
const ALL_PATHS = [PathName.Direct, PathName.Relays, PathName.Corral, PathName.CorralAuth, PathName.CorralMessages, PathName.DirectNative, PathName.CorralNative] as const;

/** The paths that are a baseline (nothing is added over them). */
function isBaseline(name: PathName): boolean {
  return name === PathName.Direct || name === PathName.DirectNative;
}

/** The processes a request crosses, for CPU accounting. */
export const Role = {
  LoadGenerator: 'loadGenerator',
  Emulator: 'emulator',
  Edge: 'edge',
  Worker: 'worker',
  Nats: 'natsServer',
  Accounting: 'accounting',
  Relay: 'relays',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export interface PathResult {
  requestsPerSecond: number;
  completed: number;
  errors: number;
  firstError?: string;
  /** Measurement windows (alternating with the other paths) pooled into this result. */
  rounds: number;
  windowMs: number;
  latencyMs: Summary;
  ttftMs: Summary;
  cpu: {
    /** CPU ms per completed request, per process on the path (Linux /proc; 10 ms tick resolution over the window). */
    msPerRequest: Partial<Record<Role, number>>;
    /** Run-queue wait (runnable, no CPU free) ms per completed request, per process on the path. */
    waitMsPerRequest: Partial<Record<Role, number>>;
    /** Whole machine, average busy cores during the windows. */
    machineBusyCores: number;
    /** Busy cores not ours (other work on the machine): high values mean a noisy cell. */
    foreignCores: number;
  };
}

export interface CellResult {
  stream: boolean;
  concurrency: number;
  tokenDelayMs: number;
  paths: Partial<Record<PathName, PathResult>>;
  /** Each other path against direct (the native path against direct /api). */
  added: Partial<Record<Exclude<PathName, 'direct'>, AddedFigures>>;
  /** Corral against the relay chain: what Corral adds beyond the process hops themselves. */
  overFloor?: AddedFigures;
  /** Corral's /v1/messages against its /v1/chat/completions on the same stack: what the Anthropic dialect costs. */
  messagesOverChat?: AddedFigures;
}

export interface TargetCheck {
  description: string;
  valueMs: number;
  limitMs: number;
  met: boolean;
}

export interface Report {
  version: 1;
  startedAt: string;
  finishedAt: string;
  machine: Machine;
  revision: Revision;
  settings: Record<string, unknown>;
  /** Round trips between two processes on this machine, measured at the start (absent with --no-calibrate). */
  hopLatency?: HopLatency;
  cells: CellResult[];
  targets: TargetCheck[];
  notes: string[];
}

export function figures(path: PathResult): LatencyFigures {
  return { latencyP50: path.latencyMs.p50, latencyP99: path.latencyMs.p99, ttftP50: path.ttftMs.p50, ttftP99: path.ttftMs.p99 };
}

function compare(base: PathResult, through: PathResult): AddedFigures {
  const compared = addedFigures(figures(base), figures(through));
  return {
    latencyP50: { ms: round(compared.latencyP50.ms), ratio: round(compared.latencyP50.ratio) },
    latencyP99: { ms: round(compared.latencyP99.ms), ratio: round(compared.latencyP99.ratio) },
    ttftP50: { ms: round(compared.ttftP50.ms), ratio: round(compared.ttftP50.ratio) },
    ttftP99: { ms: round(compared.ttftP99.ms), ratio: round(compared.ttftP99.ratio) },
  };
}

export function compareCell(cell: CellResult): void {
  const direct = cell.paths.direct;
  if (!direct) return;
  for (const name of [PathName.Relays, PathName.Corral, PathName.CorralAuth, PathName.CorralMessages] as const) {
    const through = cell.paths[name];
    if (through) cell.added[name] = compare(direct, through);
  }
  if (cell.paths.relays && cell.paths.corral) cell.overFloor = compare(cell.paths.relays, cell.paths.corral);
  if (cell.paths.directNative && cell.paths.corralNative) cell.added.corralNative = compare(cell.paths.directNative, cell.paths.corralNative);
  if (cell.paths.corral && cell.paths.corralMessages) cell.messagesOverChat = compare(cell.paths.corral, cell.paths.corralMessages);
}

const TARGET_CONCURRENCY = 16;

/** The target is judged on streamed cells with 16 concurrent requests. */
export function isTargetCell(cell: Pick<CellResult, 'stream' | 'concurrency'>): boolean {
  return cell.stream && cell.concurrency === TARGET_CONCURRENCY;
}

/** The foundation target (16 concurrent streams) and, with auth, what auth + usage may add on top. */
export function checkTargets(cells: CellResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const cell of cells) {
    if (!isTargetCell(cell)) continue;
    const where = `${TARGET_CONCURRENCY} concurrent streams, ${cell.tokenDelayMs} ms/token`;
    const corral = cell.added.corral;
    if (corral) {
      checks.push({ description: `added TTFT p50 ≤ 1 ms (${where})`, valueMs: corral.ttftP50.ms, limitMs: 1, met: corral.ttftP50.ms <= 1 });
      checks.push({ description: `added TTFT p99 ≤ 5 ms (${where})`, valueMs: corral.ttftP99.ms, limitMs: 5, met: corral.ttftP99.ms <= 5 });
    }
    const withAuth = cell.added.corralAuth;
    if (corral && withAuth) {
      const growth = round(withAuth.ttftP50.ms - corral.ttftP50.ms);
      checks.push({ description: `auth + usage grow added TTFT p50 by ≤ 0.2 ms (${where})`, valueMs: growth, limitMs: 0.2, met: growth <= 0.2 });
    }
    const native = cell.added.corralNative;
    if (corral && native) {
      const difference = round(native.ttftP50.ms - corral.ttftP50.ms);
      // A native stream may cost less than an OpenAI one (no translation); only costing more is a miss.
      checks.push({ description: `/api/chat added TTFT p50 at most 0.5 ms above /v1/chat/completions' (${where})`, valueMs: difference, limitMs: 0.5, met: difference <= 0.5 });
    }
    const messages = cell.messagesOverChat;
    if (messages) {
      checks.push({ description: `/v1/messages TTFT p50 within 0.5 ms of /v1/chat/completions (${where})`, valueMs: messages.ttftP50.ms, limitMs: 0.5, met: messages.ttftP50.ms <= 0.5 });
    }
  }
  return checks;
}

function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '-';
}

function addedText(value: { ms: number; ratio: number } | undefined): string {
  if (!value) return '';
  const sign = value.ms >= 0 ? '+' : '';
  return `${sign}${value.ms.toFixed(2)} (${Number.isFinite(value.ratio) ? value.ratio.toFixed(2) : '-'}x)`;
}

const COLUMNS: [string, number][] = [
  ['mode', 10],
  ['conc', 5],
  ['delay', 6],
  ['path', 12],
  ['req/s', 9],
  ['n', 6],
  ['lat p50', 9],
  ['lat p99', 9],
  ['ttft p50', 9],
  ['ttft p99', 9],
  ['+lat p50', 16],
  ['+lat p99', 16],
  ['+ttft p50', 16],
  ['+ttft p99', 16],
];

export function tableHeader(): string {
  const header = COLUMNS.map(([name, width], index) => pad(name, width, index < 4)).join(' ');
  return `${header}\n${'-'.repeat(header.length)}`;
}

/** The rows of one cell: one per path, the Corral paths with what they add over direct (ms and ratio). */
export function cellRows(cell: CellResult): string {
  const rows: string[] = [];
  for (const name of ALL_PATHS) {
    const path = cell.paths[name];
    if (!path) continue;
    const extra = isBaseline(name) ? undefined : cell.added[name as Exclude<PathName, 'direct'>];
    const values = [
      cell.stream ? 'stream' : 'non-stream',
      String(cell.concurrency),
      `${cell.tokenDelayMs}ms`,
      PATH_LABELS[name] + (path.errors > 0 ? '!' : ''),
      path.requestsPerSecond.toFixed(1),
      String(path.completed),
      ms(path.latencyMs.p50),
      ms(path.latencyMs.p99),
      ms(path.ttftMs.p50),
      ms(path.ttftMs.p99),
      addedText(extra?.latencyP50),
      addedText(extra?.latencyP99),
      addedText(extra?.ttftP50),
      addedText(extra?.ttftP99),
    ];
    rows.push(values.map((value, index) => pad(value, COLUMNS[index]![1], index < 4)).join(' '));
  }
  return rows.join('\n');
}

export function renderTable(cells: CellResult[]): string {
  const sorted = [...cells].sort((a, b) => Number(b.stream) - Number(a.stream) || a.tokenDelayMs - b.tokenDelayMs || a.concurrency - b.concurrency);
  return [tableHeader(), ...sorted.map(cellRows)].join('\n');
}

/** Per streamed cell: what the bare hops cost (relay×3 − direct) and what Corral adds on top (corral − relay×3). */
export function renderFloor(cells: CellResult[]): string {
  const lines: string[] = [];
  const sorted = [...cells].sort((a, b) => Number(b.stream) - Number(a.stream) || a.tokenDelayMs - b.tokenDelayMs || a.concurrency - b.concurrency);
  for (const cell of sorted) {
    const hops = cell.added.relays;
    const beyond = cell.overFloor;
    if (!hops || !beyond) continue;
    const where = `${cell.stream ? 'stream' : 'non-stream'} c=${cell.concurrency} ${cell.tokenDelayMs}ms`.padEnd(22);
    lines.push(
      `${where} hops alone: TTFT ${addedText(hops.ttftP50)} p50, ${addedText(hops.ttftP99)} p99;  Corral beyond the hops: TTFT ${addedText(beyond.ttftP50)} p50, ${addedText(beyond.ttftP99)} p99`,
    );
  }
  return lines.join('\n');
}

/** Per cell: what Corral's /v1/messages adds over its /v1/chat/completions on the same stack. */
export function renderMessagesOverChat(cells: CellResult[]): string {
  const lines: string[] = [];
  const sorted = [...cells].sort((a, b) => Number(b.stream) - Number(a.stream) || a.tokenDelayMs - b.tokenDelayMs || a.concurrency - b.concurrency);
  for (const cell of sorted) {
    const added = cell.messagesOverChat;
    if (!added) continue;
    const where = `${cell.stream ? 'stream' : 'non-stream'} c=${cell.concurrency} ${cell.tokenDelayMs}ms`.padEnd(22);
    lines.push(`${where} TTFT ${addedText(added.ttftP50)} p50, ${addedText(added.ttftP99)} p99;  latency ${addedText(added.latencyP50)} p50, ${addedText(added.latencyP99)} p99`);
  }
  return lines.join('\n');
}

export function renderTargets(checks: TargetCheck[]): string {
  if (checks.length === 0) return 'targets: no cell with 16 concurrent streams was run';
  return checks.map((check) => `${check.met ? 'MET    ' : 'MISSED '} ${check.description}: ${check.valueMs >= 0 ? '+' : ''}${check.valueMs.toFixed(3)} ms`).join('\n');
}

const CPU_ROLES: [Role, string][] = [
  [Role.LoadGenerator, 'load gen'],
  [Role.Emulator, 'emulator'],
  [Role.Relay, 'relays'],
  [Role.Edge, 'edge'],
  [Role.Worker, 'worker'],
  [Role.Nats, 'nats'],
  [Role.Accounting, 'accounting'],
];

/**
 * CPU ms per request by process, the run-queue wait summed over the path's processes (time they
 * were ready to run but no core was free), the machine's busy cores and what other processes took.
 */
export function renderCpuTable(cells: CellResult[]): string {
  const widths = [10, 5, 6, 12, ...CPU_ROLES.map(() => 10), 10, 8, 8];
  const header = ['mode', 'conc', 'delay', 'path', ...CPU_ROLES.map(([, label]) => label), 'rq wait', 'busy', 'foreign'];
  const line = (values: string[]) => values.map((value, index) => pad(value, widths[index]!, index < 4)).join(' ');
  const rows = [line(header)];
  const sorted = [...cells].sort((a, b) => Number(b.stream) - Number(a.stream) || a.tokenDelayMs - b.tokenDelayMs || a.concurrency - b.concurrency);
  for (const cell of sorted) {
    for (const name of ALL_PATHS) {
      const path = cell.paths[name];
      if (!path) continue;
      const perRole = CPU_ROLES.map(([role]) => {
        const value = path.cpu.msPerRequest[role];
        return value === undefined ? '' : value.toFixed(3);
      });
      let wait = 0;
      for (const value of Object.values(path.cpu.waitMsPerRequest)) wait += value;
      rows.push(line([cell.stream ? 'stream' : 'non-stream', String(cell.concurrency), `${cell.tokenDelayMs}ms`, PATH_LABELS[name], ...perRole, wait.toFixed(3), path.cpu.machineBusyCores.toFixed(2), path.cpu.foreignCores.toFixed(2)]));
    }
  }
  return rows.join('\n');
}

export function renderHopLatency(hops: HopLatency): string {
  const part = (series: Record<string, { p50: number; p99: number }>) =>
    Object.entries(series)
      .map(([gap, value]) => `${gap.replace(/^gap/, 'after ')} idle p50 ${value.p50.toFixed(3)} / p99 ${value.p99.toFixed(3)} ms`)
      .join(', ');
  return `round trip between two processes: TCP ${part(hops.tcpMs)}; through NATS ${part(hops.natsMs)}`;
}

/** The latency table as Markdown (for BENCHMARKS.md): one row per path, added = over direct. */
export function renderMarkdown(cells: CellResult[]): string {
  const lines = [
    '| mode | conc | ms/token | path | req/s | n | lat p50 | lat p99 | TTFT p50 | TTFT p99 | + lat p50 | + lat p99 | + TTFT p50 | + TTFT p99 |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const sorted = [...cells].sort((a, b) => Number(b.stream) - Number(a.stream) || a.tokenDelayMs - b.tokenDelayMs || a.concurrency - b.concurrency);
  for (const cell of sorted) {
    for (const name of ALL_PATHS) {
      const path = cell.paths[name];
      if (!path) continue;
      const extra = isBaseline(name) ? undefined : cell.added[name as Exclude<PathName, 'direct'>];
      const values = [
        cell.stream ? 'stream' : 'non-stream',
        String(cell.concurrency),
        String(cell.tokenDelayMs),
        isBaseline(name) ? PATH_LABELS[name] : `**${PATH_LABELS[name]}**`,
        path.requestsPerSecond.toFixed(1),
        String(path.completed),
        ms(path.latencyMs.p50),
        ms(path.latencyMs.p99),
        ms(path.ttftMs.p50),
        ms(path.ttftMs.p99),
        addedText(extra?.latencyP50),
        addedText(extra?.latencyP99),
        addedText(extra?.ttftP50),
        addedText(extra?.ttftP99),
      ];
      lines.push(`| ${values.join(' | ')} |`);
    }
  }
  return lines.join('\n');
}
