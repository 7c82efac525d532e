import { Readable } from 'node:stream';
import { completeFile, deleteBatchParts, listBatchParts, putFileContent, readBatchPart, updateBatchRecord, type BatchPartEntry, type BatchPartKind, type Bus } from '@corral/bus';
import { createFileId } from '@corral/openai';
import { BatchStop, isTerminalBatchStatus, type BatchRecord } from '@corral/protocol';

/**
 * Writes a batch's output and error files from its units' parts and settles its final state:
 * `completed`, or `expired` / `cancelled` when it stopped early (with the partial output). The file
 * ids are chosen and stored first, so a finalizer that crashed half-way is redone by another edge
 * writing the same files again; the counts are recounted from the parts, exact whatever the
 * progress counters saw.
 */
export async function finalizeBatch(bus: Bus, batch: BatchRecord, logger?: { info(data: object, message: string): void }, now: () => number = Date.now): Promise<void> {
  if (isTerminalBatchStatus(batch.status)) return;
  const parts = await listBatchParts(bus, batch.id);
  logger?.info({ batchId: batch.id, units: batch.units, parts: parts.length }, 'finalizing batch');
  const counts = parts.reduce(
    (sum, { summary }) => ({ completed: sum.completed + summary.completed, failed: sum.failed + summary.failed, inputTokens: sum.inputTokens + summary.inputTokens, outputTokens: sum.outputTokens + summary.outputTokens }),
    { completed: 0, failed: 0, inputTokens: 0, outputTokens: 0 },
  );
  const named = await updateBatchRecord(bus, batch.id, (current) => {
    if (isTerminalBatchStatus(current.status)) return null;
    const outputFileId = counts.completed > 0 ? (current.outputFileId ?? createFileId()) : null;
    const errorFileId = counts.failed > 0 ? (current.errorFileId ?? createFileId()) : null;
    if (current.status === 'finalizing' && current.outputFileId === outputFileId && current.errorFileId === errorFileId) return null;
    return { ...current, status: current.status === 'cancelling' ? 'cancelling' : 'finalizing', finalizingAt: current.finalizingAt ?? Math.floor(now() / 1000), outputFileId, errorFileId };
  });
  if (!named || isTerminalBatchStatus(named.status)) return;
  if (named.outputFileId) await writeFile(bus, named, named.outputFileId, 'output', parts);
  if (named.errorFileId) await writeFile(bus, named, named.errorFileId, 'errors', parts);
  const at = Math.floor(now() / 1000);
  await updateBatchRecord(bus, batch.id, (current) => {
    if (isTerminalBatchStatus(current.status)) return null;
    const settled = {
      ...current,
      requestCounts: { total: current.requestCounts.total, completed: counts.completed, failed: counts.failed },
      usage: { inputTokens: counts.inputTokens, outputTokens: counts.outputTokens },
      unitsDone: parts.length,
    };
    if (current.stop === BatchStop.Cancelled) return { ...settled, status: 'cancelled', cancelledAt: at };
    if (current.stop === BatchStop.Expired) return { ...settled, status: 'expired', expiredAt: at };
    return { ...settled, status: 'completed', completedAt: at };
  });
  await deleteBatchParts(bus, batch.id);
}

async function writeFile(bus: Bus, batch: BatchRecord, fileId: string, kind: BatchPartKind, parts: readonly BatchPartEntry[]): Promise<void> {
  const wanted = kind === 'output' ? parts : parts.filter((part) => part.hasErrors);
  async function* content(): AsyncGenerator<Uint8Array> {
    for (const part of wanted) {
      for await (const chunk of await readBatchPart(bus, batch.id, part.unit, kind)) yield chunk as Uint8Array;
    }
  }
  const createdAt = Math.floor(Date.now() / 1000);
  const filename = `${batch.id}_${kind === 'output' ? 'output' : 'error'}.jsonl`;
  const bytes = await putFileContent(bus, fileId, Readable.from(content()), { ownerKeyId: batch.keyId, filename, createdAt });
  await completeFile(bus, { id: fileId, ownerKeyId: batch.keyId, purpose: 'batch_output', filename, bytes, createdAt });
}
