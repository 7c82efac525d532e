import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { getBatchRecord, hasBatchPart, openBatchWorkPuller, putBatchPart, updateBatchRecord, type Bus, type BatchPuller, type JsMsg } from '@corral/bus';
import { batchLineIds, BatchLineError, errorLine, responseLine } from '@corral/openai';
import { BatchStop, isTerminalBatchStatus, type BatchPartSummary, type BatchRecord, type BatchWorkLine, type BatchWorkUnit } from '@corral/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { AbortFanout } from './abort-fanout.ts';
import type { BatchSlices } from './batch-pacer.ts';
import type { BatchTable } from './batch-table.ts';
import { embedInputCount } from './embed-inputs.ts';
import type { UsagePublisher } from '../usage/publisher.ts';
import type { LineAnswer, LineRunner } from './line-runner.ts';

export interface UnitRunnerOptions {
  /** Units run at once. */
  maxUnits: number;
  /** Inputs per coalesced embed call: an embeddings unit starts its lines in groups of about this many inputs. */
  embedGroupInputs: number;
  /** Coalesced embed calls kept in flight per worker serving the model. */
  embedCallsPerWorker: number;
  /**
   * While users are being served, the share of the serving workers' batch capacity (their slots, or
   * for embeddings their coalesced calls) batch work may hold: 1 holds all of it, and at least one
   * line or call always runs.
   */
  shareBesideInteractive: number;
  ackWaitMs: number;
}

/** Where a unit's usage events go: together, durably, before its results count as stored. */
export type UnitUsage = Pick<UsagePublisher, 'recordAll'>;

export interface UnitRunnerDeps {
  bus: Bus;
  batches: BatchTable;
  lines: LineRunner;
  usage: UnitUsage;
  /** Idle slots for a model as the caller names it (an alias is resolved first). */
  idleSlots: (model: string) => number;
  /** Workers that could take a job for the model now (an alias is resolved first). */
  servingWorkers: (model: string) => number;
  /** Parallel slots of the workers that could take a job for the model now, busy or not. */
  servingSlots: (model: string) => number;
  /** True while users are being served (on this edge or, by the workers' heartbeats, anywhere). */
  interactiveNearby: () => boolean;
  /** False while interactive requests need this edge's event loop more than batch lines do. */
  mayStart: () => boolean;
  /** Spreads starting lines and storing results over time while users are being served. */
  pacer: BatchSlices;
  /** Keeps coalesced embed calls open while one group's lines are started (paced, with pauses between). */
  holdCalls: () => () => void;
  logger: FastifyBaseLogger;
}

/** Pause before pulling again after the queue could not be read (NATS restarting). */
const PULL_RETRY_MS = 500;
/** How often a line waiting for capacity looks again. */
const CAPACITY_POLL_MS = 10;
/** Answers serialized per turn of the event loop. */
const LINES_PER_TURN = 8;
/**
 * Lines started per turn of the event loop: starting a line runs its pipeline up to the dispatch
 * (~50 µs), and a group of 256 started at once held the loop ~15 ms from a chat user's first token;
 * 8 keep a slice under half a millisecond. The coalescer keeps the group's call open while its
 * lines keep arriving.
 */
const STARTS_PER_TURN = 8;

/**
 * Pulls work units from the shared queue and runs their lines on the fleet's idle capacity: a line
 * starts only while the workers serving its model have a free slot (interactive work fills slots
 * first; the workers themselves refuse or give back batch jobs when interactive work needs them), so
 * the pull itself is the backpressure. A unit is acknowledged only once its results are stored; a
 * unit whose edge died is redelivered after the ack wait and runs again, and a unit found with its
 * results already stored is only acknowledged.
 */
export class UnitRunner {
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  /** Each line's own signal, so lines in flight do not pile listeners onto the runner's. */
  private readonly lineSignals = new AbortFanout(this.stopping.signal);
  /** Resolves false when the edge starts stopping (one listener for every unit that waits on it). */
  private readonly stopped = new Promise<false>((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(false), { once: true }));
  private loop: Promise<void> | undefined;
  /** Units whose lines are not all started yet: while one waits for capacity, no other unit is pulled. */
  private starving = 0;
  /** Embeddings groups started (or about to be) whose lines are not all answered: each is about one /api/embed call. */
  private embedGroupsInFlight = 0;
  /** Lines of other endpoints started (or about to be) and not answered: one per group. */
  private linesInFlight = 0;

  constructor(
    private readonly deps: UnitRunnerDeps,
    private readonly options: UnitRunnerOptions,
  ) {}

  start(): void {
    this.loop = this.pullLoop();
  }

  /** Stops pulling; units still running are given back to the queue (another edge runs them at once). */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await Promise.allSettled([...this.running]);
  }

  private async pullLoop(): Promise<void> {
    const { signal } = this.stopping;
    let puller: BatchPuller<BatchWorkUnit> | undefined;
    while (!signal.aborted) {
      try {
        if (this.running.size >= this.options.maxUnits || this.starving > 0) {
          await sleep(CAPACITY_POLL_MS * 2, undefined, { signal }).catch(() => undefined);
          continue;
        }
        puller ??= await openBatchWorkPuller(this.deps.bus);
        const messages = await puller.fetch(1, 2000);
        for await (const msg of messages) {
          if (signal.aborted) {
            msg.nak();
            continue;
          }
          this.track(this.runMessage(puller, msg));
        }
      } catch (error) {
        puller = undefined;
        if (signal.aborted) break;
        this.deps.logger.debug({ err: error }, 'batch work queue not readable; retrying');
        await sleep(PULL_RETRY_MS, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async runMessage(puller: BatchPuller<BatchWorkUnit>, msg: JsMsg): Promise<void> {
    let unit: BatchWorkUnit;
    try {
      unit = puller.decode(msg);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'dropped an undecodable batch work unit');
      msg.term();
      return;
    }
    this.deps.logger.debug({ batchId: unit.batchId, unit: unit.unit, lines: unit.lines.length }, 'batch unit pulled');
    const alive = setInterval(() => msg.working(), Math.max(1000, Math.floor(this.options.ackWaitMs / 3)));
    try {
      const done = await this.runUnit(unit);
      if (done) msg.ack();
      else msg.nak();
    } catch (error) {
      this.deps.logger.warn({ err: error, batchId: unit.batchId, unit: unit.unit }, 'a batch unit failed; it will run again');
      msg.nak(1000);
    } finally {
      clearInterval(alive);
    }
  }

  /** Runs one unit to its stored results; false when the edge is stopping first (the unit runs again). */
  private async runUnit(unit: BatchWorkUnit): Promise<boolean> {
    const { bus, batches } = this.deps;
    const batch = batches.get(unit.batchId) ?? (await getBatchRecord(bus, unit.batchId));
    // A batch that is gone or already over (cancelled and finalized) has no use for its units.
    if (!batch || isTerminalBatchStatus(batch.status) || batch.stop === BatchStop.Cancelled) return true;
    if (await hasBatchPart(bus, unit.batchId, unit.unit)) return true;
    const results = await this.runLines(batch, unit);
    if (results === undefined) return false;
    const summary = await this.store(batch, unit, results);
    if (summary === undefined) return false;
    await updateBatchRecord(bus, batch.id, (current) => ({
      ...current,
      unitsDone: current.unitsDone + 1,
      requestCounts: { ...current.requestCounts, completed: current.requestCounts.completed + summary.completed, failed: current.requestCounts.failed + summary.failed },
      usage: { inputTokens: current.usage.inputTokens + summary.inputTokens, outputTokens: current.usage.outputTokens + summary.outputTokens },
    }));
    return true;
  }

  /** Each line's result (in line order): an answer, an expired line, or nothing (cancelled before it started). */
  private async runLines(batch: BatchRecord, unit: BatchWorkUnit): Promise<Array<LineResult> | undefined> {
    const { signal } = this.stopping;
    const stopped = () => this.latest(batch).stop !== null;
    const results: Array<Promise<LineResult>> = [];
    const groups = this.startGroups(batch, unit.lines);
    this.starving++;
    const embeds = batch.endpoint === '/v1/embeddings';
    try {
      for (const group of groups) {
        const reserved = await this.reserveCapacity(modelOf(group[0]!), embeds, stopped, signal);
        if (signal.aborted) {
          if (reserved) this.release(embeds);
          break;
        }
        const started = await this.startGroup(batch, group, reserved, embeds, results, stopped);
        if (reserved) void Promise.allSettled(started).then(() => this.release(embeds));
        // The coalescer sends the group after a turn without new members (the next turn or the one
        // after, as its look and this loop take turns); only then does the fleet table count it.
        await nextTurn();
        await nextTurn();
      }
    } finally {
      this.starving--;
    }
    const settled = await Promise.all(results);
    if (signal.aborted) return undefined;
    return settled;
  }

  /**
   * Starts a group's lines a few per slice (paced beside users), pushing every line's result onto
   * `results` in line order, and returns the results of the lines it started. Lines of a group that
   * found no capacity, or met a cancel on the way, are not started. An embeddings group's call is
   * kept open until all of its lines are in.
   */
  private async startGroup(batch: BatchRecord, group: readonly BatchWorkLine[], reserved: boolean, embeds: boolean, results: Array<Promise<LineResult>>, stopped: () => boolean): Promise<Array<Promise<LineResult>>> {
    const { signal } = this.stopping;
    const started: Array<Promise<LineResult>> = [];
    let starting = reserved;
    const releaseCalls = embeds && reserved ? this.deps.holdCalls() : undefined;
    try {
      let sliceStartedAt = this.deps.pacer.sliceStart();
      for (const [index, line] of group.entries()) {
        if (starting && index > 0 && index % STARTS_PER_TURN === 0) {
          sliceStartedAt = await this.deps.pacer.turn(sliceStartedAt);
          // A cancel (or expiry) between two steps starts nothing more.
          starting = !stopped() && !signal.aborted;
        }
        if (!starting) {
          results.push(Promise.resolve(this.unstarted(batch, line)));
          continue;
        }
        const ids = batchLineIds(batch.id, line.line);
        const lineSignal = this.lineSignals.open();
        const result = this.deps.lines
          .run(batch, line, ids.requestId, lineSignal.signal, stopped)
          .then((answer): LineResult => (answer === undefined ? this.unstarted(batch, line) : { kind: 'answer', line, answer }))
          .finally(lineSignal.close);
        results.push(result);
        started.push(result);
      }
    } finally {
      releaseCalls?.();
    }
    return started;
  }

  /** A line not run: expired lines get their error line; lines of a cancelled batch are left out (by the batch's latest record). */
  private unstarted(batch: BatchRecord, line: BatchWorkLine): LineResult {
    return this.latest(batch).stop === BatchStop.Expired ? { kind: 'expired', line } : { kind: 'skipped', line };
  }

  /** The batch's record as the watched table has it now (a cancel or expiry lands there), else as pulled. */
  private latest(batch: BatchRecord): BatchRecord {
    return this.deps.batches.get(batch.id) ?? batch;
  }

  /** Lines in the groups they start in: one line each, or embeddings lines in groups of about one call. */
  private startGroups(batch: BatchRecord, lines: readonly BatchWorkLine[]): BatchWorkLine[][] {
    if (batch.endpoint !== '/v1/embeddings') return lines.map((line) => [line]);
    const groups: BatchWorkLine[][] = [];
    let group: BatchWorkLine[] = [];
    let inputs = 0;
    for (const line of lines) {
      const count = embedInputCount(line.body);
      if (group.length > 0 && inputs + count > this.options.embedGroupInputs) {
        groups.push(group);
        group = [];
        inputs = 0;
      }
      group.push(line);
      inputs += count;
    }
    if (group.length > 0) groups.push(group);
    return groups;
  }

  /**
   * Waits for a free slot for the model (for an embeddings group, also for room among the calls kept
   * in flight per worker), and holds its place among the groups (or lines) in flight at once, before
   * any other unit looks: units waiting side by side would otherwise all see the same room. False
   * when the batch stopped (or the edge is stopping) first; a place held is given up with `release`.
   */
  private async reserveCapacity(model: string, embeds: boolean, stopped: () => boolean, signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (stopped()) return false;
      const held = embeds ? this.embedGroupsInFlight : this.linesInFlight;
      if (this.deps.idleSlots(model) > 0 && held < this.heldLimit(model, embeds) && this.deps.mayStart()) {
        if (embeds) this.embedGroupsInFlight++;
        else this.linesInFlight++;
        return true;
      }
      await sleep(CAPACITY_POLL_MS, undefined, { signal }).catch(() => undefined);
    }
    return false;
  }

  private release(embeds: boolean): void {
    if (embeds) this.embedGroupsInFlight--;
    else this.linesInFlight--;
  }

  /**
   * Embeddings groups (coalesced calls) or lines this runner may hold in flight now. Embeddings keep
   * to the calls allowed per serving worker; other lines are bound only by the free slots. Beside
   * users, batch work also keeps to its share of the fleet: every process on a host (and the GPU) it
   * shares with interactive jobs slows those jobs down in proportion to the batch's rate, not only
   * when slots run out (BENCHMARKS.md measures it). Alone, a batch takes everything.
   */
  private heldLimit(model: string, embeds: boolean): number {
    const calls = embeds ? this.options.embedCallsPerWorker * this.deps.servingWorkers(model) : Number.POSITIVE_INFINITY;
    const { shareBesideInteractive: share } = this.options;
    if (share >= 1 || !this.deps.interactiveNearby()) return calls;
    const capacity = embeds ? calls : this.deps.servingSlots(model);
    return Math.min(calls, Math.max(1, Math.floor(share * capacity)));
  }

  /** Publishes the unit's usage and stores its part; undefined when the edge is stopping first. */
  private async store(batch: BatchRecord, unit: BatchWorkUnit, results: readonly LineResult[]): Promise<BatchPartSummary | undefined> {
    const output: string[] = [];
    const errors: string[] = [];
    const summary: BatchPartSummary = { completed: 0, failed: 0, inputTokens: 0, outputTokens: 0 };
    let sliceStartedAt = this.deps.pacer.sliceStart();
    for (const [index, result] of results.entries()) {
      // Serializing a unit's answers is long work: interactive requests get the loop in between.
      if (index > 0 && index % LINES_PER_TURN === 0) sliceStartedAt = await this.deps.pacer.turn(sliceStartedAt);
      if (result.kind === 'skipped') continue;
      const ids = batchLineIds(batch.id, result.line.line);
      if (result.kind === 'expired') {
        errors.push(errorLine({ id: ids.id, customId: result.line.customId, ...BatchLineError.expired }));
        summary.failed++;
        continue;
      }
      const { answer } = result;
      const text = responseLine({ id: ids.id, customId: result.line.customId, statusCode: answer.statusCode, requestId: ids.requestId, body: answer.body });
      summary.inputTokens += answer.inputTokens;
      summary.outputTokens += answer.outputTokens;
      if (answer.statusCode < 400) {
        output.push(text);
        summary.completed++;
      } else {
        errors.push(text);
        summary.failed++;
      }
    }
    // Before the part: a unit whose edge dies in between runs again, and its lines' events (the same
    // request ids) are stored once; a part stored first could leave its usage unpublished for good.
    const events = results.flatMap((result) => (result.kind === 'answer' && result.answer.usage ? [result.answer.usage] : []));
    // While NATS is away this waits; an edge stopping meanwhile gives the unit back (its events, still
    // buffered, may be stored twice over: accounting keeps one row per request id).
    if (!(await Promise.race([this.deps.usage.recordAll(events).then(() => true), this.stopped]))) return undefined;
    await retrying(() => putBatchPart(this.deps.bus, batch.id, unit.unit, { output: joined(output), errors: joined(errors) }, summary), this.stopping.signal);
    return summary;
  }
}

/** The model a line names (validation made sure every line of the batch names the same one). */
function modelOf(line: BatchWorkLine): string {
  return typeof line.body.model === 'string' ? line.body.model : '';
}

type LineResult = { kind: 'answer'; line: BatchWorkLine; answer: LineAnswer } | { kind: 'expired'; line: BatchWorkLine } | { kind: 'skipped'; line: BatchWorkLine };

function joined(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Results already paid for in GPU time are not thrown away for a bus that is restarting: they are stored once it is back. */
async function retrying<T>(operation: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= 60 || signal.aborted) throw error;
      await sleep(Math.min(2000, 100 * 2 ** attempt));
    }
  }
}
