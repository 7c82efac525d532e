import { ensureUsageConsumer, openUsagePuller, retryBackoff, type JsMsg } from '@corral/bus';
import { delay, type Delay } from '@nats-io/nats-core';
import { decodeUsageMessage, type DecodedUsageMessage, type UsageEvent } from '@corral/protocol';
import type { AccountingContext } from '../context.ts';
import { replicateKeys, replicateTeams } from '../replicate.ts';
import { isPermanentDataError } from './failures.ts';
import { ingestUsage } from './ingest.ts';

export interface UsageConsumerOptions {
  /** Most events written per transaction. */
  batchSize: number;
  /** How long the first event of a batch waits for company. */
  batchMs: number;
  /** Passed to the durable consumer when it is created. */
  ackWaitMs?: number;
}

export interface UsageConsumer {
  /** Events stored so far by this process (inserted rows, not duplicates). */
  readonly stored: number;
  stop(): Promise<void>;
}

/**
 * Feeds the usage stream into Postgres. An event is acknowledged only after the transaction that
 * stored it committed; while Postgres is unreachable the batch is held (and the server told we are
 * still working on it) and retried with backoff, so nothing is lost and nothing crashes.
 */
export async function startUsageConsumer(context: AccountingContext, options: UsageConsumerOptions): Promise<UsageConsumer> {
  const { logger } = context;
  /** Pulled messages with their events (a message carries one event, or a batch unit's list). */
  const pending: Pulled[] = [];
  let pendingEvents = 0;
  let running = true;
  let stored = 0;
  /** The batcher's current wait; new events or stopping end it early (nats.js's delay resolves on cancel). */
  let waiting: Delay | undefined;
  const signal = () => {
    waiting?.cancel();
    waiting = undefined;
  };
  const waitFor = (ms: number) => {
    waiting = delay(ms);
    return waiting;
  };
  /** Keys and teams whose spending could not be re-published yet; retried after the next batch. */
  const unreplicated = new Set<string>();
  const unreplicatedTeams = new Set<string>();

  await ensureUsageConsumer(context.bus, options.ackWaitMs === undefined ? {} : { ackWaitMs: options.ackWaitMs });

  const pull = async () => {
    while (running) {
      try {
        const puller = await openUsagePuller(context.bus);
        while (running) {
          // Prefetch at most one batch ahead: while Postgres is down, memory stays bounded.
          if (pendingEvents >= options.batchSize * 2) {
            await delay(20);
            continue;
          }
          // Runs to its end even when stopping, so every event the server sent is in `pending` to hand back.
          for await (const message of await puller.fetch(options.batchSize)) {
            const decoded = decode(message);
            if (decoded.invalid > 0) logger.error({ subject: message.subject, sequence: message.seq, invalid: decoded.invalid }, 'dropping usage events that are not valid');
            if (decoded.events.length === 0) {
              message.term();
              continue;
            }
            pending.push({ message, events: decoded.events });
            pendingEvents += decoded.events.length;
            if (pending.length === 1 || pendingEvents >= options.batchSize) signal();
          }
        }
      } catch (error) {
        if (!running) break;
        logger.warn({ err: error }, 'usage pull interrupted; resuming');
        await delay(500);
        // Requests sent while NATS is away are lost and would only fail at their timeout.
        while (running && !(await context.bus.waitForConnection(1000)));
        await ensureUsageConsumer(context.bus).catch(() => undefined);
      }
    }
  };

  /**
   * Stores events, retrying while Postgres is away ('stopping' when the replica stops first). An
   * event that can never be stored is found by storing the others one by one, and dropped alone.
   */
  const storeEvents = async (events: UsageEvent[], messages: readonly JsMsg[]): Promise<'stored' | 'stopping'> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await ingestUsage(context.db, events);
        stored += result.inserted;
        for (const keyId of result.chargedKeyIds) unreplicated.add(keyId);
        for (const teamId of result.chargedTeamIds) unreplicatedTeams.add(teamId);
        if (result.duplicates > 0) logger.debug({ duplicates: result.duplicates }, 'skipped usage events already stored');
        return 'stored';
      } catch (error) {
        if (isPermanentDataError(error)) {
          if (events.length > 1) {
            for (const event of events) if ((await storeEvents([event], messages)) === 'stopping') return 'stopping';
            return 'stored';
          }
          logger.error({ err: error, requestId: events[0]?.requestId }, 'usage event can never be stored; dropping it');
          return 'stored';
        }
        if (!running) return 'stopping';
        const retryInMs = retryBackoff.backoff(attempt);
        logger.warn({ err: error, attempt: attempt + 1, events: events.length, retryInMs }, 'cannot store usage yet; will retry');
        for (const message of messages) message.working();
        for (const item of pending) item.message.working();
        await delay(retryInMs);
      }
    }
  };

  /** A message is acknowledged only once all its events are stored (or known unstorable). */
  const storeWithRetry = async (batch: Pulled[]): Promise<boolean> => {
    const messages = batch.map((item) => item.message);
    if ((await storeEvents(batch.flatMap((item) => item.events), messages)) === 'stopping') {
      for (const message of messages) message.nak();
      return false;
    }
    for (const message of messages) message.ack();
    return true;
  };

  /** Messages up to batchSize events (at least one message: a list may hold more on its own). */
  const takeBatch = (): Pulled[] => {
    const batch: Pulled[] = [];
    let events = 0;
    while (pending.length > 0 && (batch.length === 0 || events + pending[0]!.events.length <= options.batchSize)) {
      const item = pending.shift()!;
      batch.push(item);
      events += item.events.length;
    }
    pendingEvents -= events;
    return batch;
  };

  const processBatches = async () => {
    while (running) {
      if (pending.length === 0) {
        await waitFor(1000);
      } else {
        if (pendingEvents < options.batchSize && options.batchMs > 0) await waitFor(options.batchMs);
        const batch = takeBatch();
        if (batch.length > 0 && !(await storeWithRetry(batch))) break;
      }
      if (unreplicated.size > 0) {
        const keyIds = [...unreplicated];
        try {
          await replicateKeys(context, keyIds);
          for (const keyId of keyIds) unreplicated.delete(keyId);
        } catch (error) {
          logger.warn({ err: error, keys: keyIds.length }, 'could not publish key spending yet; will retry');
        }
      }
      if (unreplicatedTeams.size > 0) {
        const teamIds = [...unreplicatedTeams];
        try {
          await replicateTeams(context, teamIds);
          for (const teamId of teamIds) unreplicatedTeams.delete(teamId);
        } catch (error) {
          logger.warn({ err: error, teams: teamIds.length }, 'could not publish team spending yet; will retry');
        }
      }
    }
  };

  const pulling = pull();
  const processing = processBatches();

  return {
    get stored() {
      return stored;
    },
    async stop() {
      running = false;
      signal();
      await processing;
      await pulling;
      // Hand back what was fetched but not stored, so another replica (or this one restarted) gets it at once.
      for (const item of pending.splice(0)) item.message.nak();
      pendingEvents = 0;
    },
  };
}

interface Pulled {
  message: JsMsg;
  events: UsageEvent[];
}

/** A message's events as stored: each sanitised before validation, for producers that did not (or published before they did). */
function decode(message: JsMsg): DecodedUsageMessage {
  try {
    return decodeUsageMessage(message.json());
  } catch {
    return { events: [], invalid: 1 };
  }
}
