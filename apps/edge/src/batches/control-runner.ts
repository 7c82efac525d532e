import { setTimeout as sleep } from 'node:timers/promises';
import { getBatchRecord, openBatchControlPuller, type BatchPuller, type Bus, type JsMsg } from '@corral/bus';
import { BatchControlOp, type BatchControl } from '@corral/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { BatchSlices } from './batch-pacer.ts';
import type { BatchTable } from './batch-table.ts';
import { finalizeBatch } from './finalize-batch.ts';
import { validateBatch, type UnitLimits } from './validate-batch.ts';

/** The longest pause between two tries of a failing validation or finalization. */
const MAX_RETRY_MS = 60_000;

export interface ControlRunnerDeps {
  bus: Bus;
  batches: BatchTable;
  logger: FastifyBaseLogger;
  unitLimits: UnitLimits;
  ackWaitMs: number;
  /** Paces validation beside users like the rest of the edge's batch work. */
  pacer: BatchSlices;
}

/**
 * Runs whole-batch work from the control queue — validating a new batch's file and enqueuing its
 * units, finalizing a batch whose units are all done — one message at a time per edge. A message is
 * acknowledged once its work is stored; an edge that dies mid-way leaves it to another.
 */
export class ControlRunner {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: ControlRunnerDeps) {}

  start(): void {
    this.loop = this.pullLoop();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  private async pullLoop(): Promise<void> {
    const { signal } = this.stopping;
    let puller: BatchPuller<BatchControl> | undefined;
    while (!signal.aborted) {
      try {
        puller ??= await openBatchControlPuller(this.deps.bus);
        for await (const msg of await puller.fetch(1, 2000)) {
          if (signal.aborted) {
            msg.nak();
            continue;
          }
          await this.handle(puller, msg);
        }
      } catch (error) {
        puller = undefined;
        if (signal.aborted) break;
        this.deps.logger.debug({ err: error }, 'batch control queue not readable; retrying');
        await sleep(500, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private async handle(puller: BatchPuller<BatchControl>, msg: JsMsg): Promise<void> {
    let control: BatchControl;
    try {
      control = puller.decode(msg);
    } catch {
      msg.term();
      return;
    }
    const alive = setInterval(() => msg.working(), Math.max(1000, Math.floor(this.deps.ackWaitMs / 3)));
    try {
      const { bus, batches } = this.deps;
      const batch = await getBatchRecord(bus, control.batchId);
      if (batch) {
        batches.remember(batch);
        if (control.op === BatchControlOp.Validate) {
          // A batch cancelled before its file was read is finalized (empty) by the sweeper instead.
          if (batch.status === 'validating') {
            await validateBatch(bus, batch, this.deps.unitLimits, () => (batches.get(batch.id) ?? batch).stop === null, this.deps.pacer);
          }
        } else {
          await finalizeBatch(bus, batch, this.deps.logger);
        }
      }
      msg.ack();
    } catch (error) {
      // Each try may read every part of the batch again: a fault that lasts (a files bucket full
      // until an operator raises FILES_BUCKET_MAX_BYTES) is retried ever more slowly, never given up.
      const retryMs = Math.min(MAX_RETRY_MS, 1000 * 2 ** Math.max(0, msg.info.deliveryCount - 1));
      this.deps.logger.warn({ err: error, batchId: control.batchId, op: control.op, retryMs }, 'batch control work failed; it will run again');
      msg.nak(retryMs);
    } finally {
      clearInterval(alive);
    }
  }
}
