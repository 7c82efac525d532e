import { backoff } from '@nats-io/nats-core';
import { publishUsage, publishUsageEvents, type Bus } from '@corral/bus';
import { sanitizeUsageEvent, type UsageEvent } from '@corral/protocol';

/** Fastify's (pino) logger fits this shape. */
export interface PublisherLogger {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export interface UsagePublisherOptions {
  logger?: PublisherLogger;
  /** Events held in memory while JetStream is unreachable; past it the oldest are dropped (and logged). Default: 50 000. */
  maxBuffered?: number;
  /** Publishes awaiting an ack at once. Default: 64. */
  concurrency?: number;
  /** First pause after a failed publish; doubles up to maxRetryDelayMs. Default: 100 ms. */
  retryDelayMs?: number;
  /** Longest pause between tries while JetStream is unreachable (a reconnect ends it early). Default: 5000 ms. */
  maxRetryDelayMs?: number;
}

export interface UsagePublisher {
  /** Queues one event and returns at once: usage never delays or fails a request. */
  record(event: UsageEvent): void;
  /**
   * Queues many events (a batch unit's lines) to travel in as few messages as fit; resolves once
   * JetStream stored them, so a caller can make them durable before it records the work as done.
   * It also resolves, the events kept buffered as any others, when they are dropped (invalid, or
   * pushed out of a full buffer) or when there is no usage stream at all (no accounting yet): work
   * must not stall for an accounting that was never there.
   */
  recordAll(events: readonly UsageEvent[]): Promise<void>;
  /** Events not yet stored by JetStream. */
  pending(): number;
  /** Waits until every queued event is stored, or the timeout; resolves with what is left. */
  flush(timeoutMs?: number): Promise<{ pending: number }>;
}

/** What waits in the buffer: one request's event, or a list published together. */
interface Entry {
  events: UsageEvent[];
  /** Settles a recordAll. */
  done?: () => void;
}

/**
 * Publishes usage events to the durable stream in the background. A failed publish is retried
 * (the request id is the message id, so a retry after a lost ack is deduplicated by the server);
 * while JetStream is unreachable events wait in a bounded buffer, sent as soon as NATS reconnects.
 */
export function createUsagePublisher(bus: Bus, options: UsagePublisherOptions = {}): UsagePublisher {
  const maxBuffered = options.maxBuffered ?? 50_000;
  const concurrency = options.concurrency ?? 64;
  const baseDelay = options.retryDelayMs ?? 100;
  const maxDelay = options.maxRetryDelayMs ?? 5000;
  // Doubling to the ceiling; nats.js jitters each pause so edges that lost one server do not return in step.
  const retryDelays = backoff(Array.from({ length: 11 }, (_, attempt) => Math.min(maxDelay, baseDelay * 2 ** attempt)));
  const queue: Entry[] = [];
  /** Events in `queue` and in flight. */
  let queuedEvents = 0;
  let inFlightEvents = 0;
  let inFlight = 0;
  let failures = 0;
  let pausedUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let scheduled = false;
  /** The last publish found no usage stream: recordAll does not wait (see there). */
  let streamMissing = false;
  const idleWaiters = new Set<() => void>();

  const notifyIfIdle = () => {
    if (queue.length > 0 || inFlight > 0) return;
    for (const resolve of idleWaiters) resolve();
    idleWaiters.clear();
  };

  /** Settles a recordAll once (its entry may stay queued after). */
  const settle = (entry: Entry) => {
    const done = entry.done;
    entry.done = undefined;
    done?.();
  };

  const publish = async (entry: Entry): Promise<{ ok: true } | { ok: false; retryable: boolean; message: string; noStream?: boolean }> => {
    if (entry.events.length === 1) return publishUsage(bus, entry.events[0]!, { attempts: 1 });
    const result = await publishUsageEvents(bus, entry.events, { attempts: 1 });
    if (result.ok && result.invalid > 0) options.logger?.error({ requestId: entry.events[0]?.requestId, invalid: result.invalid }, 'dropping invalid usage events');
    return result;
  };

  const pump = () => {
    const wait = pausedUntil - Date.now();
    if (wait > 0) {
      timer ??= setTimeout(() => {
        timer = undefined;
        pump();
      }, wait);
      return;
    }
    // After a failure, one message probes until JetStream answers again.
    const limit = failures > 0 ? 1 : concurrency;
    while (inFlight < limit && queue.length > 0) {
      const entry = queue.shift()!;
      queuedEvents -= entry.events.length;
      inFlightEvents += entry.events.length;
      inFlight++;
      void publish(entry).then((result) => {
        inFlight--;
        inFlightEvents -= entry.events.length;
        if (result.ok) {
          if (failures > 0) options.logger?.warn({ failures }, 'usage publishing recovered');
          failures = 0;
          streamMissing = false;
          settle(entry);
        } else if (!result.retryable) {
          options.logger?.error({ requestId: entry.events[0]?.requestId, reason: result.message }, 'dropping an invalid usage event');
          settle(entry);
        } else {
          if (result.noStream && !streamMissing) {
            streamMissing = true;
            for (const waiting of queue) settle(waiting);
          }
          if (result.noStream) settle(entry);
          // Back to the front, so events keep roughly their order.
          queue.unshift(entry);
          queuedEvents += entry.events.length;
          if (failures === 0) options.logger?.warn({ reason: result.message }, 'cannot publish usage yet; buffering and retrying');
          // Publishes that were already in flight fail together: that is one failure, not many.
          if (pausedUntil <= Date.now()) {
            failures++;
            pausedUntil = Date.now() + retryDelays.backoff(failures - 1);
          }
        }
        pump();
        notifyIfIdle();
      });
    }
  };

  const enqueue = (entry: Entry) => {
    queue.push(entry);
    queuedEvents += entry.events.length;
    // The oldest go first; a list is dropped whole (its recordAll settles: nothing will store it).
    while (queuedEvents > maxBuffered && queue.length > 1) {
      const dropped = queue.shift()!;
      queuedEvents -= dropped.events.length;
      settle(dropped);
      options.logger?.error({ requestId: dropped.events[0]?.requestId, events: dropped.events.length, maxBuffered }, 'usage buffer full; dropped the oldest event');
    }
    // Validation and encoding happen off the request's own tick.
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        pump();
      });
    }
  };

  // NATS is back: what waited in the buffer goes now, not after the backoff grown during the outage.
  bus.onReconnect(() => {
    pausedUntil = 0;
    clearTimeout(timer);
    timer = undefined;
    pump();
  });

  return {
    record(event) {
      // Bounded now, not at publish time: while JetStream is away a buffered event must not hold a
      // client's 20 MB model name.
      enqueue({ events: [sanitizeUsageEvent(event)] });
    },
    recordAll(events) {
      if (events.length === 0) return Promise.resolve();
      return new Promise<void>((done) => {
        const entry: Entry = { events: events.map((event) => sanitizeUsageEvent(event)), done };
        enqueue(entry);
        if (streamMissing) settle(entry);
      });
    },
    pending: () => queuedEvents + inFlightEvents,
    async flush(timeoutMs = 5000) {
      if (queue.length > 0 || inFlight > 0) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(deadline);
            idleWaiters.delete(done);
            resolve();
          };
          const deadline = setTimeout(done, timeoutMs);
          idleWaiters.add(done);
        });
      }
      return { pending: queuedEvents + inFlightEvents };
    },
  };
}
