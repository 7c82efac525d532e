import { type Bus, cancelBatch, getBatchRecord, listBatchRecords } from '@corral/bus';
import { BatchStatus, isTerminalBatchStatus, type BatchRecord } from '@corral/protocol';
import { OptionReader, UsageError, type ParsedArguments } from '../arguments.ts';
import { followBatch } from '../batch-watch.ts';
import type { CommandOutput } from '../output.ts';
import { formatProgress, progressSink, renderProgressBar } from '../progress-bar.ts';
import { CommandRefusal } from '../refusal.ts';
import { formatCount, formatTable } from '../table.ts';

const STATUSES = new Set<string>(Object.values(BatchStatus));

const USAGE = 'usage: corral batches list [--status S] [--key KEY_ID] | corral batches show ID [--watch] | corral batches cancel ID';

/** Where `show --watch` draws its live progress (the process's stdout; a test or a pipe is not a terminal). */
export interface Screen {
  write(text: string): void;
  isTerminal: boolean;
}

const processScreen: Screen = { write: (text) => void process.stdout.write(text), isTerminal: process.stdout.isTTY === true };

/** Unix seconds as an ISO time to the second (batch times are whole seconds). */
function time(seconds: number | null): string {
  return seconds === null ? '-' : `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

/** Its window passed while lines were left: it stops dispatching and turns expired once the running lines are done. */
function isExpiring(record: BatchRecord): boolean {
  return record.stop === 'expired' && !isTerminalBatchStatus(record.status);
}

function describeBatch(record: BatchRecord): string[] {
  const { requestCounts: counts, usage } = record;
  const metadata = record.metadata && Object.keys(record.metadata).length > 0 ? Object.entries(record.metadata).map(([name, value]) => `${name}=${value}`).join(', ') : 'none';
  const lines = [
    `id:             ${record.id}`,
    `status:         ${record.status}${isExpiring(record) ? ' (its window has passed: no new line starts)' : ''}`,
    `endpoint:       ${record.endpoint}`,
    `model:          ${record.model ?? '- (not validated yet)'}`,
    `key:            ${record.keyId || '- (created without auth)'}`,
    `team:           ${record.teamId ?? '-'}`,
    `input file:     ${record.inputFileId}`,
    `output file:    ${record.outputFileId ?? '-'}`,
    `error file:     ${record.errorFileId ?? '-'}`,
    `window:         ${record.completionWindow}`,
    `progress:       ${renderProgressBar(counts, record.status)}`,
    `requests:       ${formatCount(counts.total)} total, ${formatCount(counts.completed)} completed, ${formatCount(counts.failed)} failed`,
    `tokens:         ${formatCount(usage.inputTokens)} in, ${formatCount(usage.outputTokens)} out`,
    `work units:     ${formatCount(record.units)} (${formatCount(record.unitsDone)} lines with results)`,
    `metadata:       ${metadata}`,
    `created:        ${time(record.createdAt)}`,
    `in progress:    ${time(record.inProgressAt)}`,
    `expires:        ${time(record.expiresAt)}`,
    `finalizing:     ${time(record.finalizingAt)}`,
    `completed:      ${time(record.completedAt)}`,
    `failed:         ${time(record.failedAt)}`,
    `expired:        ${time(record.expiredAt)}`,
    `cancelling:     ${time(record.cancellingAt)}`,
    `cancelled:      ${time(record.cancelledAt)}`,
  ];
  const errors = record.errors ?? [];
  if (errors.length === 0) return [...lines, 'errors:         none'];
  return [...lines, `errors:         ${errors.length}`, ...errors.map((error) => `  ${error.line === null ? '' : `line ${error.line}: `}${error.code}: ${error.message}${error.param ? ` (${error.param})` : ''}`)];
}

function requireId(parsed: ParsedArguments, action: string): string {
  const id = parsed.positional[2];
  if (!id) throw new UsageError(`usage: corral batches ${action} ID`);
  if (parsed.positional.length > 3) throw new UsageError(`unexpected argument: ${parsed.positional[3]}`);
  return id;
}

async function findBatch(bus: Bus, id: string): Promise<BatchRecord> {
  const record = await getBatchRecord(bus, id);
  if (!record) throw new CommandRefusal('not_found', `no batch with id ${id}`);
  return record;
}

export async function batchesCommand(bus: Bus, parsed: ParsedArguments, screen: Screen = processScreen): Promise<CommandOutput> {
  const options = new OptionReader(parsed);
  const action = parsed.positional[1];
  switch (action) {
    case 'list': {
      if (parsed.positional.length > 2) throw new UsageError(`unexpected argument: ${parsed.positional[2]}`);
      const status = options.string('status');
      if (status !== undefined && !STATUSES.has(status)) throw new UsageError(`--status must be one of ${[...STATUSES].join(', ')}, got ${JSON.stringify(status)}`);
      const keyId = options.string('key');
      options.finish();
      return listBatches(bus, { status, keyId });
    }
    case 'show': {
      const id = requireId(parsed, 'show');
      const watch = options.flag('watch');
      const json = options.flag('json');
      options.finish();
      let record = await findBatch(bus, id);
      // With --json the live progress would spoil the document: --watch then only waits for the end.
      if (watch && !isTerminalBatchStatus(record.status)) record = await watchProgress(bus, id, json ? undefined : screen);
      else if (watch && !json) screen.write(`${renderProgressBar(record.requestCounts, record.status)}\n`);
      return { text: describeBatch(record).join('\n'), json: record };
    }
    case 'cancel': {
      const id = requireId(parsed, 'cancel');
      options.finish();
      const record = await cancelBatch(bus, id);
      if (!record) throw new CommandRefusal('not_found', `no batch with id ${id}`);
      return { text: cancelOutcome(record), json: record };
    }
    default:
      throw new UsageError(action === undefined ? USAGE : `unknown batches command: ${action}; use list, show or cancel`);
  }
}

async function listBatches(bus: Bus, filter: { status?: string; keyId?: string }): Promise<CommandOutput> {
  const records = (await listBatchRecords(bus))
    .filter((record) => (filter.status === undefined || record.status === filter.status) && (filter.keyId === undefined || record.keyId === filter.keyId))
    .sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  const rows = records.map((record) => [
    record.id,
    record.status,
    record.model ?? '-',
    record.endpoint,
    record.keyId || '-',
    formatProgress(record.requestCounts),
    formatCount(record.requestCounts.failed),
    time(record.createdAt),
  ]);
  const filtered = filter.status !== undefined || filter.keyId !== undefined;
  const text = records.length === 0 ? (filtered ? 'no batch matches' : 'no batches') : formatTable(['ID', 'STATUS', 'MODEL', 'ENDPOINT', 'KEY', 'PROGRESS', 'FAILED', 'CREATED'], rows);
  return { text, json: records };
}

/** The live progress of a running batch until it ends; without a screen (--json), only the wait. */
async function watchProgress(bus: Bus, id: string, screen: Screen | undefined): Promise<BatchRecord> {
  if (!screen) return followBatch(bus, id, () => {});
  const sink = progressSink((text) => screen.write(text), screen.isTerminal);
  // Ctrl-C while the bar is drawn: end its line first, so the shell's prompt starts on a clean one.
  const interrupted = () => {
    sink.finish();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    return await followBatch(bus, id, (record) => sink.show(renderProgressBar(record.requestCounts, record.status)));
  } finally {
    process.off('SIGINT', interrupted);
    sink.finish();
  }
}

function cancelOutcome(record: BatchRecord): string {
  switch (record.status) {
    case BatchStatus.Cancelling:
      return `batch ${record.id} is cancelling: no new line starts; it becomes cancelled once the lines running now are done`;
    case BatchStatus.Cancelled:
      return `batch ${record.id} is cancelled already`;
    default:
      if (isExpiring(record)) return `batch ${record.id} is expiring already (its window has passed): there is nothing to cancel`;
      return `batch ${record.id} is ${record.status} already: there is nothing to cancel`;
  }
}
