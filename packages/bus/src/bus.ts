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
  /** Classic request/reply with validation on both ends. */
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
    async request(subject, requestSchema, value, responseSchema, timeoutMs = 5000) {
      const reply = await nc.request(subject, encodeJson(requestSchema.parse(value)), { timeout: timeoutMs });
      return decodeWith(responseSchema, reply.data);
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
