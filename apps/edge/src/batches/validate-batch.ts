import { enqueueBatchUnit, fileInfo, readFileContent, updateBatchRecord, type Bus } from '@corral/bus';
import { jsonlLines, validateBatchInput, type BatchEndpoint } from '@corral/openai';
import { PROTOCOL_VERSION, type BatchErrorEntry, type BatchRecord, type BatchWorkLine } from '@corral/protocol';
import type { BatchSlices } from './batch-pacer.ts';
import { embedInputCount } from './embed-inputs.ts';

export interface UnitLimits {
  /** Lines per unit at most (embeddings batches: see embedInputs). */
  lines: number;
  /**
   * Inputs per unit of an embeddings batch: its lines fill one coalesced /api/embed call, however
   * few inputs each line has (a unit of `lines` one-input lines would make calls too small to keep a
   * GPU busy).
   */
  embedInputs: number;
  /** Bytes of line bodies per unit at most (a unit is one NATS message). */
  bytes: number;
}

/**
 * Validation of a batch's input file, then its lines enqueued as work units: the file is read twice
 * (once to validate every line, once to enqueue), a line at a time, never held whole. A file with
 * faults fails the batch with OpenAI's `errors` list; nothing is enqueued for it. Enqueuing again
 * after a crash is harmless: units carry deterministic message ids the queue deduplicates.
 */
export async function validateBatch(
  bus: Bus,
  batch: BatchRecord,
  limits: UnitLimits,
  stillWanted: () => boolean,
  pacer: BatchSlices,
  now: () => number = Date.now,
): Promise<void> {
  const seconds = () => Math.floor(now() / 1000);
  const file = await fileInfo(bus, batch.inputFileId);
  if (!file || file.ownerKeyId !== batch.keyId) {
    await fail(bus, batch.id, [{ code: 'invalid_file', message: `The input file '${batch.inputFileId}' no longer exists.`, param: 'input_file_id', line: null }], seconds());
    return;
  }
  const validation = await validateBatchInput(pacedLines(jsonlLines(await contentOf(bus, batch.inputFileId)), pacer), { endpoint: batch.endpoint as BatchEndpoint, maxLineLength: limits.bytes });
  if (!validation.ok) {
    await fail(bus, batch.id, validation.errors, seconds());
    return;
  }
  const embeddings = batch.endpoint === '/v1/embeddings';
  let units = 0;
  let lines: BatchWorkLine[] = [];
  let bytes = 0;
  let inputs = 0;
  const flush = async () => {
    if (lines.length === 0) return;
    await enqueueBatchUnit(bus, { v: PROTOCOL_VERSION, batchId: batch.id, unit: units, lines });
    units++;
    lines = [];
    bytes = 0;
    inputs = 0;
  };
  /** Whether a line of `count` inputs and `length` bytes must open the next unit. */
  const full = (count: number, length: number): boolean => {
    if (lines.length === 0) return false;
    if (bytes + length > limits.bytes) return true;
    return embeddings ? inputs + count > limits.embedInputs : lines.length >= limits.lines;
  };
  let lineNumber = 0;
  for await (const text of pacedLines(jsonlLines(await contentOf(bus, batch.inputFileId)), pacer)) {
    lineNumber++;
    if (text.trim() === '') continue;
    if (!stillWanted()) break;
    const parsed = JSON.parse(text) as { custom_id: string; body: Record<string, unknown> };
    const count = embeddings ? embedInputCount(parsed.body) : 1;
    if (full(count, text.length)) await flush();
    lines.push({ line: lineNumber, customId: parsed.custom_id, body: parsed.body });
    bytes += text.length;
    inputs += count;
  }
  await flush();
  // Cancelled while its lines were being enqueued: what was enqueued stays queued, and runners
  // acknowledge it without running it (see cancelBatch).
  await updateBatchRecord(bus, batch.id, (current) => {
    if (current.status !== 'validating') return null;
    // Runners may have finished units already (they start as soon as a unit is queued): their counts stay.
    return { ...current, status: 'in_progress', inProgressAt: seconds(), model: validation.model, units, requestCounts: { ...current.requestCounts, total: validation.requests } };
  });
}

/** Lines read per slice of batch work (about a millisecond of parsing and checking). */
export const LINES_PER_SLICE = 64;

/**
 * The lines, in slices of LINES_PER_SLICE with the pacer's turn between two: a file's chunk holds
 * thousands of lines that an async generator would hand over in one go (its steps are microtasks),
 * parsing for 100 ms and more while the edge's interactive requests wait; and beside users a
 * 50 000-line file's two passes keep to the batch's share of the loop like the rest of its work.
 */
export async function* pacedLines(lines: AsyncIterable<string>, pacer: BatchSlices): AsyncIterable<string> {
  let count = 0;
  let sliceStartedAt = pacer.sliceStart();
  for await (const line of lines) {
    if (++count % LINES_PER_SLICE === 0) sliceStartedAt = await pacer.turn(sliceStartedAt);
    yield line;
  }
}

async function contentOf(bus: Bus, fileId: string): Promise<AsyncIterable<Uint8Array>> {
  const content = await readFileContent(bus, fileId);
  if (!content) throw new Error(`the input file ${fileId} disappeared while it was read`);
  return content;
}

async function fail(bus: Bus, id: string, errors: BatchErrorEntry[], at: number): Promise<void> {
  await updateBatchRecord(bus, id, (current) => (current.status === 'validating' ? { ...current, status: 'failed', failedAt: at, errors } : null));
}
