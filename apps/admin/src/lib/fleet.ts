import 'server-only';
import { Heartbeat } from '@corral/protocol';
import type { Subscription } from '@corral/bus';
import { bus } from './bus.ts';
import type { FleetWorker } from './fleet-types.ts';
import { logger } from './logger.ts';

/** Heartbeats missed before a worker is shown as gone (as the edge's fleet table does). */
const MISSED_HEARTBEATS_ALLOWED = 3;
const SWEEP_INTERVAL_MS = 250;

type Listener = () => void;

/**
 * The live fleet of this process: one subscription to the heartbeat subject, shared by every page
 * and every SSE stream. A worker appears with its first heartbeat and is dropped after a few
 * missed ones; listeners hear about both.
 */
export class FleetWatch {
  private readonly workers = new Map<string, { heartbeat: Heartbeat; receivedAt: number }>();
  private readonly listeners = new Set<Listener>();
  private readonly sweeper: NodeJS.Timeout;
  readonly startedAt = Date.now();

  private subscription?: Subscription;

  constructor() {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  record(heartbeat: Heartbeat): void {
    this.workers.set(heartbeat.workerId, { heartbeat, receivedAt: Date.now() });
    this.notify();
  }

  snapshot(): FleetWorker[] {
    const now = Date.now();
    return [...this.workers.values()]
      .map(({ heartbeat, receivedAt }) => ({ ...heartbeat, lastSeenAgoMs: now - receivedAt }))
      .sort((left, right) => left.workerId.localeCompare(right.workerId));
  }

  /** Calls `listener` after every change; returns the unsubscribe. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The heartbeat subscription feeding `record`, ended by close(). */
  attach(subscription: Subscription): void {
    this.subscription = subscription;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.subscription?.unsubscribe();
  }

  private sweep(): void {
    const now = Date.now();
    let changed = false;
    for (const [workerId, { heartbeat, receivedAt }] of this.workers) {
      if (now - receivedAt > heartbeat.intervalMs * MISSED_HEARTBEATS_ALLOWED) {
        this.workers.delete(workerId);
        changed = true;
      }
    }
    if (changed) this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

const holder = globalThis as typeof globalThis & { corralAdminFleet?: Promise<FleetWatch> };

/** The process's one FleetWatch, subscribed on first use. */
export function fleetWatch(): Promise<FleetWatch> {
  holder.corralAdminFleet ??= (async () => {
    const connection = await bus();
    const watch = new FleetWatch();
    watch.attach(
      connection.subscribe(connection.subjects.heartbeat(), Heartbeat, (heartbeat) => watch.record(heartbeat), {
        onInvalid: (error) => logger().warn({ err: error }, 'ignored a heartbeat that does not match the protocol'),
      }),
    );
    return watch;
  })().catch((error: unknown) => {
    holder.corralAdminFleet = undefined;
    throw error;
  });
  return holder.corralAdminFleet;
}

/**
 * The fleet for a server-rendered page. Right after the subscription started nothing has been
 * heard yet: then wait (at most `waitMs`, about one heartbeat period) so the first page is not
 * empty by accident. Later an empty fleet is answered at once.
 */
export async function fleetSnapshot(waitMs = 1200): Promise<FleetWorker[]> {
  const watch = await fleetWatch();
  const now = watch.snapshot();
  const remaining = waitMs - (Date.now() - watch.startedAt);
  if (now.length > 0 || remaining <= 0) return now;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, remaining);
    const stop = watch.onChange(done);
    function done() {
      clearTimeout(timer);
      stop();
      resolve();
    }
  });
  return watch.snapshot();
}
