import { ensureBatchQueues, maxInlinePayload } from '@corral/bus';
import type { EdgeContext } from '../context.ts';
import { BatchPacer } from './batch-pacer.ts';
import { BatchSweeper } from './batch-sweeper.ts';
import { BatchTable } from './batch-table.ts';
import { ControlRunner } from './control-runner.ts';
import { EmbedCoalescer } from './embed-coalescer.ts';
import { availableWorkers, fleetServesInteractive, idleSlots, servingSlots } from '../fleet/router.ts';
import { IdleScavenger, youngCollector } from './idle-scavenger.ts';
import { LineRunner } from './line-runner.ts';
import { UnitRunner, type UnitUsage } from './unit-runner.ts';

/** Room left in a unit's NATS message for everything but the line bodies. */
const UNIT_ENVELOPE_BYTES = 64 * 1024;
/** Batch work that may hold the loop back to back before the pacer pauses it (beside users). */
const PACER_BURST_MS = 1;
/** How long after its last interactive request this edge still counts users as being served. */
const INTERACTIVE_LINGER_MS = 1000;

export interface BatchRunners {
  stop(): Promise<void>;
}

/** The queues (created when missing) and the watched table every batch route reads. */
export async function openBatchTable(context: Pick<EdgeContext, 'bus' | 'config' | 'logger'>): Promise<BatchTable> {
  const { bus, config, logger } = context;
  await ensureBatchQueues(bus, { ackWaitMs: config.BATCH_ACK_WAIT_MS });
  const table = new BatchTable(bus, (id) => logger.warn({ batchId: id }, 'ignored an invalid batch record'));
  await table.ready;
  return table;
}

/**
 * The edge's share of batch work — unless BATCH_RUNNER is off: the runners that validate, execute
 * and finalize batches from the shared queues (any edge may run any batch; together they share it).
 */
export function startBatchRunners(context: EdgeContext, usage: UnitUsage): BatchRunners {
  const { bus, config, logger, batches: table } = context;
  if (!config.BATCH_RUNNER) return { stop: async () => undefined };

  const interactiveNearby = () => context.interactive.servedWithin(INTERACTIVE_LINGER_MS) || fleetServesInteractive(context.fleet);
  // Beside users, batch work keeps to the same share of this edge's event loop as of the fleet.
  const scavenger = idleScavenger(context);
  const pacer = new BatchPacer({ duty: config.BATCH_SHARE_BESIDE_INTERACTIVE, burstMs: PACER_BURST_MS, interactiveNearby, betweenSlices: scavenger && (() => void scavenger.poke()) });
  const dispatcher = new EmbedCoalescer(context.dispatcher, { maxInputs: config.BATCH_EMBED_MAX_INPUTS, pacer });
  const lines = new LineRunner({ ...context, dispatcher });
  const units = new UnitRunner(
    { bus, batches: table, lines, usage, idleSlots: (model) => idleSlots(context.fleet, context.models.resolve(model).target),
      servingWorkers: (model) => availableWorkers(context.fleet, context.models.resolve(model).target),
      servingSlots: (model) => servingSlots(context.fleet, context.models.resolve(model).target),
      interactiveNearby,
      mayStart: () => context.interactive.batchMayStart(),
      pacer,
      holdCalls: () => dispatcher.hold(),
      logger },
    { maxUnits: config.BATCH_MAX_UNITS, embedGroupInputs: config.BATCH_EMBED_MAX_INPUTS, embedCallsPerWorker: config.BATCH_EMBED_CALLS_PER_WORKER, shareBesideInteractive: config.BATCH_SHARE_BESIDE_INTERACTIVE, ackWaitMs: config.BATCH_ACK_WAIT_MS },
  );
  const control = new ControlRunner({
    bus,
    batches: table,
    logger,
    unitLimits: { lines: config.BATCH_UNIT_LINES, embedInputs: config.BATCH_EMBED_MAX_INPUTS, bytes: Math.max(64 * 1024, maxInlinePayload(bus) - UNIT_ENVELOPE_BYTES) },
    ackWaitMs: config.BATCH_ACK_WAIT_MS,
    pacer,
  });
  const sweeper = new BatchSweeper(bus, table, logger, config.BATCH_SWEEP_INTERVAL_MS);
  units.start();
  control.start();
  sweeper.start();
  return {
    async stop() {
      sweeper.stop();
      await Promise.all([units.stop(), control.stop()]);
    },
  };
}

/** The scavenger batch work pokes between its slices, unless BATCH_IDLE_SCAVENGE is off or the runtime cannot collect on request. */
function idleScavenger(context: EdgeContext): IdleScavenger | undefined {
  if (!context.config.BATCH_IDLE_SCAVENGE) return undefined;
  const collect = youngCollector();
  if (!collect) {
    context.logger.warn('this runtime cannot collect garbage on request: batch work leaves scavenges to V8 (BATCH_IDLE_SCAVENGE)');
    return undefined;
  }
  return new IdleScavenger({ usersWaiting: () => context.interactive.usersWaiting, collect });
}
