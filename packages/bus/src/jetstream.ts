import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JsMsg,
  type PubAck,
  type StreamInfo,
} from '@nats-io/jetstream';
import { delay, nanos, RequestError } from '@nats-io/nats-core';
import { UsageEvent, USAGE_CONSUMER, USAGE_EVENTS_PER_MESSAGE, sanitizeUsageEvent, usageEventList, usageEventListId, validUsageEvents } from '@corral/protocol';
import { maxInlinePayload } from './blobs.ts';
import type { Bus } from './bus.ts';
import { encodeJson } from './codec.ts';
import { retryBackoff } from './retry.ts';
import { reserving, streamMaxBytes } from './storage.ts';

export interface UsageStreamLimits {
  /** How long an event is kept even when already consumed. Default: 30 days. */
  maxAgeMs?: number;
  /**
   * Disk cap, reserved on the JetStream server up front; past it the oldest events go first. 0 means
   * no cap: nothing reserved, the stream bounded by its age and the server's storage only.
   * Default: USAGE_STREAM_DEFAULTS.maxBytes.
   */
  maxBytes?: number;
  /** Window in which a repeated request id is dropped by the server. Default: 10 minutes. */
  duplicateWindowMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const USAGE_STREAM_DEFAULTS = {
  /** About eight million events (~650 bytes each): a day of accounting outage at 100 requests a second. */
  maxBytes: 5 * 1024 ** 3,
} as const;

/**
 * Creates the usage stream or brings an existing one to these limits (a stream created with other
 * limits takes the new ones; a lower cap drops the oldest events beyond it). A cap the server has no
 * room to reserve throws a StorageReservationError that says what to do.
 */
export async function ensureUsageStream(bus: Bus, limits: UsageStreamLimits = {}): Promise<StreamInfo> {
  const manager = await jetstreamManager(bus.nc);
  const capBytes = limits.maxBytes ?? USAGE_STREAM_DEFAULTS.maxBytes;
  const config = {
    name: bus.subjects.streamName('usage'),
    subjects: [bus.subjects.usageWildcard()],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(limits.maxAgeMs ?? 30 * DAY_MS),
    max_bytes: streamMaxBytes(capBytes),
    // Longer than any edge retry, so a re-sent event never lands twice.
    duplicate_window: nanos(Math.max(limits.duplicateWindowMs ?? 10 * 60 * 1000, 2 * 60 * 1000)),
    num_replicas: 1,
  };
  const reservation = { what: `the usage stream ${config.name}`, setting: 'USAGE_STREAM_MAX_BYTES', capBytes };
  try {
    await manager.streams.info(config.name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return await reserving(reservation, () => manager.streams.add(config));
  }
  return await reserving(reservation, () => manager.streams.update(config.name, config));
}

export interface UsageConsumerOptions {
  /** How long a delivered event may stay unacknowledged before the server redelivers it. Default: 30 s. */
  ackWaitMs?: number;
  /** Unacknowledged events across all replicas; bounds memory while Postgres is down. Default: 2000. */
  maxAckPending?: number;
}

/** Creates the durable pull consumer shared by every accounting replica (idempotent). */
export async function ensureUsageConsumer(bus: Bus, options: UsageConsumerOptions = {}): Promise<void> {
  const manager = await jetstreamManager(bus.nc);
  const stream = bus.subjects.streamName('usage');
  const config = {
    durable_name: USAGE_CONSUMER,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    max_ack_pending: options.maxAckPending ?? 2000,
    // Never give up on an event: Postgres may be down for a long time.
    max_deliver: -1,
  };
  try {
    await manager.consumers.info(stream, USAGE_CONSUMER);
    await manager.consumers.update(stream, USAGE_CONSUMER, config);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await manager.consumers.add(stream, config);
  }
}

export interface UsagePuller {
  /**
   * One pull request: yields events as they arrive and ends after `maxMessages` or `expiresMs`.
   * Bounded pulls mean a stopping replica leaves no open request behind that the server would
   * keep filling, so nothing it stops with waits for the ack timeout.
   */
  fetch(maxMessages: number, expiresMs?: number): Promise<AsyncIterable<JsMsg>>;
}

/** Binds to the durable usage consumer (created by ensureUsageConsumer). */
export async function openUsagePuller(bus: Bus): Promise<UsagePuller> {
  const consumer = await jetstream(bus.nc).consumers.get(bus.subjects.streamName('usage'), USAGE_CONSUMER);
  return {
    fetch: (maxMessages, expiresMs = 1000) => consumer.fetch({ max_messages: maxMessages, expires: Math.max(1000, expiresMs) }),
  };
}

export interface UsageStreamState {
  /** Events held by the stream (consumed or not, until they age out). */
  messages: number;
  /** Events the accounting consumer has not received yet; undefined without the consumer. */
  waiting?: number;
  /** Events delivered to accounting and not yet acknowledged. */
  unacknowledged?: number;
}

/** How far behind accounting is (for health checks, the admin and tests); undefined without a stream. */
export async function usageStreamState(bus: Bus): Promise<UsageStreamState | undefined> {
  const manager = await jetstreamManager(bus.nc);
  const stream = bus.subjects.streamName('usage');
  let messages: number;
  try {
    messages = (await manager.streams.info(stream)).state.messages;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  try {
    const consumer = await manager.consumers.info(stream, USAGE_CONSUMER);
    return { messages, waiting: consumer.num_pending, unacknowledged: consumer.num_ack_pending };
  } catch (error) {
    if (isNotFound(error)) return { messages };
    throw error;
  }
}

/** Removes the usage stream and its consumers (tests and tenant teardown). */
export async function deleteUsageStream(bus: Bus): Promise<void> {
  const manager = await jetstreamManager(bus.nc);
  try {
    await manager.streams.delete(bus.subjects.streamName('usage'));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export type PublishUsageResult =
  | { ok: true; sequence: number; duplicate: boolean }
  /** `noStream`: nothing stores usage here yet (no accounting has created the stream). */
  | { ok: false; retryable: boolean; message: string; noStream?: boolean };

export interface PublishUsageOptions {
  /** Tries before giving up. Default: 3. */
  attempts?: number;
  /** How long one try waits for the server's ack. Default: 2000 ms. */
  timeoutMs?: number;
}

/**
 * Publishes one usage event and waits for JetStream to store it. The request id is the message id,
 * so a retry after a lost ack is dropped by the server. Never throws: the caller decides whether to
 * keep the event and try again later. While NATS is disconnected a try fails at once. Text a client
 * sent is made storable first (sanitizeUsageEvent), so an odd model name never loses the event.
 */
export async function publishUsage(bus: Bus, event: UsageEvent, options: PublishUsageOptions = {}): Promise<PublishUsageResult> {
  const parsed = UsageEvent.safeParse(sanitizeUsageEvent(event));
  if (!parsed.success) return { ok: false, retryable: false, message: `invalid usage event: ${parsed.error.message}` };
  const stored = await publishStored(bus, { subject: bus.subjects.usage(parsed.data.requestId), id: parsed.data.requestId, payload: encodeJson(parsed.data) }, options);
  if (!stored.ok) return { ok: false, retryable: true, message: stored.message, noStream: stored.noStream };
  return { ok: true, sequence: stored.ack.seq, duplicate: stored.ack.duplicate };
}

interface UsageMessage {
  subject: string;
  /** The JetStream message id: a re-sent message is dropped by the server. */
  id: string;
  payload: Uint8Array;
}

/**
 * One message into the usage stream, tried `attempts` times; the failure of the last try otherwise.
 * While NATS is disconnected a try fails at once: a publish then is lost and would only fail at its
 * timeout.
 */
async function publishStored(bus: Bus, message: UsageMessage, options: PublishUsageOptions): Promise<{ ok: true; ack: PubAck } | { ok: false; message: string; noStream: boolean }> {
  const client = jetstream(bus.nc);
  const attempts = Math.max(1, options.attempts ?? 3);
  let failure = { ok: false as const, message: '', noStream: false };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (!bus.isConnected()) {
      failure = { ok: false, message: 'not connected to NATS', noStream: false };
    } else {
      try {
        return { ok: true, ack: await client.publish(message.subject, message.payload, { msgID: message.id, timeout: options.timeoutMs ?? 2000 }) };
      } catch (error) {
        failure = { ok: false, message: error instanceof Error ? error.message : String(error), noStream: isNoStream(error) };
      }
    }
    // Brief backoff: JetStream is usually back within a leader election or a reconnect.
    if (attempt < attempts) await delay(retryBackoff.backoff(attempt - 1));
  }
  return failure;
}

/** No stream listens on the subject: JetStream's "no responders", which nats.js reports as its cause. */
function isNoStream(error: unknown): boolean {
  return error instanceof Error && error.cause instanceof RequestError && error.cause.isNoResponders();
}

export type PublishUsageEventsResult =
  | { ok: true; invalid: number }
  | { ok: false; retryable: boolean; message: string; noStream: boolean };

/**
 * Publishes many usage events (a batch unit's lines) in as few messages as fit — up to
 * USAGE_EVENTS_PER_MESSAGE events and the server's payload limit each — and waits until JetStream
 * stored them all. Events that can never be stored are left out and counted; a retry after a lost
 * ack is dropped by the server (each message's id is its first request id and length), and
 * accounting keys rows by request id in any case. Never throws.
 */
export async function publishUsageEvents(bus: Bus, events: readonly UsageEvent[], options: PublishUsageOptions & { maxMessageBytes?: number } = {}): Promise<PublishUsageEventsResult> {
  const { events: valid, invalid } = validUsageEvents(events);
  const limit = options.maxMessageBytes ?? maxInlinePayload(bus);
  const messages: UsageMessage[] = [];
  const add = (list: UsageEvent[]): void => {
    const payload = encodeJson(usageEventList(list));
    // Halved until it fits: events are bounded (sanitised), so a single one always does.
    if (payload.byteLength > limit && list.length > 1) {
      const half = Math.ceil(list.length / 2);
      add(list.slice(0, half));
      add(list.slice(half));
      return;
    }
    messages.push({ subject: bus.subjects.usageList(list[0]!.requestId), id: usageEventListId(list), payload });
  };
  for (let start = 0; start < valid.length; start += USAGE_EVENTS_PER_MESSAGE) add(valid.slice(start, start + USAGE_EVENTS_PER_MESSAGE));
  for (const message of messages) {
    const stored = await publishStored(bus, message, options);
    if (!stored.ok) return { ok: false, retryable: true, message: stored.message, noStream: stored.noStream };
  }
  return { ok: true, invalid };
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof JetStreamApiError)) return false;
  return error.code === JetStreamApiCodes.StreamNotFound || error.code === JetStreamApiCodes.ConsumerNotFound || error.status === 404;
}
