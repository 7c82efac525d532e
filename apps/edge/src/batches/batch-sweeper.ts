import { enqueueBatchControl, hasPendingBatchUnits, listBatchParts, updateBatchRecord, type Bus } from '@corral/bus';
import { BatchControlOp, BatchStop, isTerminalBatchStatus, type BatchRecord } from '@corral/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { BatchTable } from './batch-table.ts';

/**
 * Every edge's periodic look at the running batches (idempotent, so any number of edges may do it):
 * a batch past its window stops dispatching and finishes `expired`; a batch with no unit left in the
 * queue (all done, or acknowledged unrun after a cancel) is handed to the finalizer.
 */
export class BatchSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping = false;

  constructor(
    private readonly bus: Bus,
    private readonly batches: BatchTable,
    private readonly logger: FastifyBaseLogger,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const batch of this.batches.all()) {
        if (isTerminalBatchStatus(batch.status) || (batch.status === 'validating' && batch.stop === null)) continue;
        try {
          await this.look(batch);
        } catch (error) {
          this.logger.debug({ err: error, batchId: batch.id }, 'batch sweep failed; next round');
        }
      }
    } finally {
      this.sweeping = false;
    }
  }

  private async look(batch: BatchRecord): Promise<void> {
    const seconds = Math.floor(this.now() / 1000);
    if (batch.stop === null && seconds >= batch.expiresAt) {
      const stopped = await updateBatchRecord(this.bus, batch.id, (current) =>
        current.stop === null && !isTerminalBatchStatus(current.status) ? { ...current, stop: BatchStop.Expired, status: 'finalizing', finalizingAt: seconds } : null,
      );
      if (stopped) this.batches.remember(stopped);
    }
    if (batch.status === 'validating') return;
    if (!(await this.isDone(batch))) return;
    await enqueueBatchControl(this.bus, batch.id, BatchControlOp.Finalize);
  }

  /**
   * Whether every unit of the batch is over. Every unit leaves exactly one part (expired lines
   * included), so a batch not cancelled is done when it has as many parts as units; a cancelled one
   * is done when none is left in the queue: its queued units are acknowledged unrun, its running
   * ones once their part is stored.
   */
  private async isDone(batch: BatchRecord): Promise<boolean> {
    const pending = await hasPendingBatchUnits(this.bus, batch.id);
    if (batch.stop === BatchStop.Cancelled) return !pending;
    if (pending && batch.unitsDone < batch.units) return false;
    return (await listBatchParts(this.bus, batch.id)).length >= batch.units;
  }
}
