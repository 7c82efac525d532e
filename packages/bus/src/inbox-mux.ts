import type { Msg, NatsConnection, Subscription } from '@nats-io/nats-core';

/**
 * Called with each reply's bytes. `noResponders` is set when NATS answered for the server that
 * nobody listens on the subject (status 503), so the caller can move on at once instead of waiting.
 */
export type InboxHandler = (data: Uint8Array, status: { noResponders: boolean }) => void;

const RESPONDERS_PRESENT = { noResponders: false } as const;
const NO_RESPONDERS = { noResponders: true } as const;

function isNoResponders(msg: Msg): boolean {
  return msg.data.length === 0 && msg.headers?.code === 503;
}

/**
 * One wildcard subscription serves the replies of every streamed request of this process, so a
 * request costs no SUB/UNSUB round trip with the server (the same idea as nats.js's request mux).
 */
export class InboxMux {
  private readonly handlers = new Map<string, InboxHandler>();
  private readonly subscription: Subscription;
  private counter = 0;

  constructor(
    nc: NatsConnection,
    private readonly root: string,
  ) {
    this.subscription = nc.subscribe(`${root}.*`, {
      callback: (error, msg) => {
        if (error) return;
        const token = msg.subject.slice(root.length + 1);
        this.handlers.get(token)?.(msg.data, isNoResponders(msg) ? NO_RESPONDERS : RESPONDERS_PRESENT);
      },
    });
  }

  open(handler: InboxHandler): { subject: string; close: () => void } {
    const token = (this.counter++).toString(36);
    this.handlers.set(token, handler);
    return { subject: `${this.root}.${token}`, close: () => this.handlers.delete(token) };
  }

  get openCount(): number {
    return this.handlers.size;
  }

  close(): void {
    this.handlers.clear();
    this.subscription.unsubscribe();
  }
}
