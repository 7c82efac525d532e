import { setSha256Backend } from '@nats-io/obj';
import { connect } from '@nats-io/transport-node';
import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';
import { createSubjects, type Subjects } from '@corral/protocol';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { decodeWith, encodeJson, encodeText } from './codec.ts';
import { InboxMux, type InboxHandler } from './inbox-mux.ts';

export interface BusOptions {
  servers: string;
  /** Connection name shown in NATS monitoring. */
  name: string;
  prefix: string;
  /** Owner of this process's inbox namespace. Default: random. */
  ownerId?: string;
}

export interface SubscribeOptions {
  queue?: string;
}

export interface Bus {
  readonly nc: NatsConnection;
  readonly subjects: Subjects;
  readonly ownerId: string;
  /** Validates and publishes one message. */
  publish<T extends z.ZodType>(subject: string, schema: T, value: z.input<T>): void;
  /** Publishes bytes or text that were already encoded (hot path). */
  publishRaw(subject: string, payload: string | Uint8Array, reply?: string): void;
  /** Subscribes with validation; an invalid message is reported to `onInvalid` and dropped. */
  subscribe<T extends z.ZodType>(
    subject: string,
    schema: T,
    handler: (value: z.infer<T>, msg: Msg) => void,
    options?: SubscribeOptions & { onInvalid?: (error: unknown, msg: Msg) => void },
  ): Subscription;
  /** Publishes a request whose replies stream back to a private inbox until `close()` is called. */
  openStream(subject: string, payload: string | Uint8Array, onReply: InboxHandler): { close: () => void };
  /**
   * False from a lost connection until it is re-established. Whatever is published meanwhile is
   * lost (the client discards its buffer on every reconnect attempt) and requests only fail at their
   * timeout, so callers that can tell "NATS is down" at once should ask here first.
   */
  isConnected(): boolean;
  /** Calls `listener` each time the connection is re-established; returns the unsubscribe. */
  onReconnect(listener: () => void): () => void;
  /** Resolves once connected (at once when connected now), or with false after `timeoutMs` or when closed. */
  waitForConnection(timeoutMs?: number): Promise<boolean>;
  /**
   * One request, one reply, as bytes. While NATS reconnects it waits for the connection (within the
   * timeout) instead of sending into the gap, where the request would be lost.
   */
  requestBytes(subject: string, payload: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  /** Classic request/reply with validation on both ends (over requestBytes). */
  request<Req extends z.ZodType, Res extends z.ZodType>(
    subject: string,
    requestSchema: Req,
    value: z.input<Req>,
    responseSchema: Res,
    timeoutMs?: number,
  ): Promise<z.infer<Res>>;
  drain(): Promise<void>;
  close(): Promise<void>;
}

export async function connectBus(options: BusOptions): Promise<Bus> {
  // Object stores (files, batch parts, images) hash every byte they put and get; nats.js's default
  // is a pure-JS SHA-256 for browsers, several times slower than node:crypto's.
  setSha256Backend('native');
  const nc = await connect({
    servers: options.servers.split(',').map((server) => server.trim()),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    // Requests (JetStream publishes among them) would otherwise capture a stack trace each.
    noAsyncTraces: true,
  });
  const subjects = createSubjects(options.prefix);
  const ownerId = options.ownerId ?? randomUUID().replaceAll('-', '').slice(0, 16);
  const mux = new InboxMux(nc, subjects.inboxRoot(ownerId));
  const connection = trackConnection(nc);
  const requestBytes = async (subject: string, payload: Uint8Array, timeoutMs: number): Promise<Uint8Array> => {
    const started = Date.now();
    // Waiting costs nothing when connected.
    if (!(await connection.waitForConnection(timeoutMs))) throw new Error(`not connected to NATS within ${timeoutMs} ms`);
    return (await nc.request(subject, payload, { timeout: Math.max(1, timeoutMs - (Date.now() - started)) })).data;
  };

  return {
    nc,
    subjects,
    ownerId,
    publish(subject, schema, value) {
      nc.publish(subject, encodeJson(schema.parse(value)));
    },
    publishRaw(subject, payload, reply) {
      nc.publish(subject, typeof payload === 'string' ? encodeText(payload) : payload, reply ? { reply } : undefined);
    },
    subscribe(subject, schema, handler, subscribeOptions = {}) {
      return nc.subscribe(subject, {
        ...(subscribeOptions.queue ? { queue: subscribeOptions.queue } : {}),
        callback: (error, msg) => {
          if (error) return;
          let value;
          try {
            value = decodeWith(schema, msg.data);
          } catch (invalid) {
            subscribeOptions.onInvalid?.(invalid, msg);
            return;
          }
          handler(value, msg);
        },
      });
    },
    openStream(subject, payload, onReply) {
      const inbox = mux.open(onReply);
      nc.publish(subject, typeof payload === 'string' ? encodeText(payload) : payload, { reply: inbox.subject });
      return { close: inbox.close };
    },
    isConnected: connection.isConnected,
    onReconnect: connection.onReconnect,
    waitForConnection: connection.waitForConnection,
    requestBytes,
    async request(subject, requestSchema, value, responseSchema, timeoutMs = 5000) {
      return decodeWith(responseSchema, await requestBytes(subject, encodeJson(requestSchema.parse(value)), timeoutMs));
    },
    async drain() {
      mux.close();
      await nc.drain();
    },
    async close() {
      mux.close();
      await nc.close();
    },
  };
}

/** Follows the client's status events: whether the connection is up, and who to tell when it is back. */
function trackConnection(nc: NatsConnection): Pick<Bus, 'isConnected' | 'onReconnect' | 'waitForConnection'> {
  let connected = true;
  const listeners = new Set<() => void>();
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') connected = false;
      else if (status.type === 'reconnect') {
        connected = true;
        for (const listener of [...listeners]) listener();
      }
    }
  })().catch(() => undefined);

  const isConnected = () => connected && !nc.isClosed();
  const onReconnect = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  return {
    isConnected,
    onReconnect,
    waitForConnection: (timeoutMs = Number.POSITIVE_INFINITY) => {
      if (isConnected()) return Promise.resolve(true);
      if (nc.isClosed()) return Promise.resolve(false);
      return new Promise((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = () => {
          clearTimeout(timer);
          unsubscribe();
          resolve(isConnected());
        };
        const unsubscribe = onReconnect(done);
        void nc.closed().then(done);
        if (Number.isFinite(timeoutMs)) timer = setTimeout(done, timeoutMs);
      });
    },
  };
}
