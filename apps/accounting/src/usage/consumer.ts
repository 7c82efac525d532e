import { ensureUsageConsumer, openUsagePuller, retryBackoff, type JsMsg } from '@corral/bus';
import { delay, type Delay } from '@nats-io/nats-core';
import { UsageEvent, sanitizeUsageEvent } from '@corral/protocol';
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
  const pending: JsMsg[] = [];
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
          if (pending.length >= options.batchSize * 2) {
            await delay(20);
            continue;
          }
          // Runs to its end even when stopping, so every event the server sent is in `pending` to hand back.
          for await (const message of await puller.fetch(options.batchSize)) {
            pending.push(message);
            if (pending.length === 1 || pending.length >= options.batchSize) signal();
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

  const storeWithRetry = async (batch: JsMsg[]): Promise<boolean> => {
    const events: Array<{ message: JsMsg; event: UsageEvent }> = [];
    for (const message of batch) {
      const parsed = safeDecode(message);
      if (parsed) events.push({ message, event: parsed });
      else {
        logger.error({ subject: message.subject, sequence: message.seq }, 'dropping a usage message that is not a valid event');
        message.term();
      }
    }
    if (events.length === 0) return true;

    for (let attempt = 0; ; attempt++) {
      try {
        const result = await ingestUsage(
          context.db,
          events.map((item) => item.event),
        );
        for (const { message } of events) message.ack();
        stored += result.inserted;
        for (const keyId of result.chargedKeyIds) unreplicated.add(keyId);
        for (const teamId of result.chargedTeamIds) unreplicatedTeams.add(teamId);
        if (result.duplicates > 0) logger.debug({ duplicates: result.duplicates }, 'skipped usage events already stored');
        return true;
      } catch (error) {
        if (isPermanentDataError(error)) {
          if (events.length > 1) {
            // Store the good ones one by one, so one bad event cannot hold back the others.
            for (const item of events) if (!(await storeWithRetry([item.message]))) return false;
            return true;
          }
          logger.error({ err: error, requestId: events[0]?.event.requestId }, 'usage event can never be stored; dropping it');
          events[0]?.message.term();
          return true;
        }
        if (!running) {
          for (const { message } of events) message.nak();
          return false;
        }
        const retryInMs = retryBackoff.backoff(attempt);
        logger.warn({ err: error, attempt: attempt + 1, events: events.length, retryInMs }, 'cannot store usage yet; will retry');
        for (const { message } of events) message.working();
        for (const message of pending) message.working();
        await delay(retryInMs);
      }
    }
  };

  const processBatches = async () => {
    while (running) {
      if (pending.length === 0) {
        await waitFor(1000);
      } else {
        if (pending.length < options.batchSize && options.batchMs > 0) await waitFor(options.batchMs);
        const batch = pending.splice(0, options.batchSize);
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
      for (const message of pending.splice(0)) message.nak();
    },
  };
}

/** An event as stored: sanitised before validation, for events published before producers sanitised (or by one that does not). */
function safeDecode(message: JsMsg): UsageEvent | undefined {
  try {
    const parsed = UsageEvent.safeParse(sanitizeUsageEvent(message.json()));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
