import type { Bus } from '@corral/bus';
import { Heartbeat, PROTOCOL_VERSION } from '@corral/protocol';
import type { Logger } from '@corral/log';
import { settleWithin } from './settle-within.ts';
import type { InventorySnapshot, UpstreamInventory } from './upstream.ts';

/** The worker's live state as the heartbeat reports it. */
export interface LoadState {
  inflight: number;
  /** Of `inflight`, the batch lane's jobs. */
  batchInflight: number;
  draining: boolean;
  cordoned: boolean;
}

export interface HeartbeatOptions {
  bus: Bus;
  workerId: string;
  upstream: string;
  capacity: number;
  maxInflight: number;
  intervalMs: number;
  inventory: UpstreamInventory;
  load: () => LoadState;
  logger: Logger;
}

/**
 * Publishes the worker's heartbeat every interval, each one after a fresh inventory poll. The
 * schedule is a chain of timeouts and polls are shared, so a slow Ollama never stacks them.
 */
export class HeartbeatLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: HeartbeatOptions) {}

  /** Polls the upstream once and sends the first heartbeat, then keeps beating. */
  async start(): Promise<void> {
    await this.beat();
  }

  /** Sends a heartbeat now from the last inventory (when draining starts or the cordon changes), so the fleet sees it at once. */
  sendNow(): void {
    this.publish(this.options.inventory.current(), this.options.load());
  }

  /** Stops beating and sends the last heartbeat: no models, so edges drop this worker at once. */
  sendFinal(): void {
    this.stop();
    const last = this.options.inventory.current();
    this.publish({ ...last, models: [] }, { ...this.options.load(), draining: true });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async beat(): Promise<void> {
    const startedAt = performance.now();
    const { inventory, intervalMs } = this.options;
    let snapshot: InventorySnapshot;
    try {
      // A poll still running after one interval goes on in the background (the next beat waits
      // on the same one); this beat reports the last inventory, so edges never lose a worker
      // because its Ollama answers slowly.
      snapshot = (await settleWithin(inventory.refresh(), intervalMs)) ?? inventory.current();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'inventory poll failed');
      snapshot = { ...inventory.current(), healthy: false };
    }
    if (this.stopped) return;
    this.publish(snapshot, this.options.load());
    const elapsed = performance.now() - startedAt;
    this.timer = setTimeout(() => void this.beat(), Math.max(0, intervalMs - elapsed));
    this.timer.unref();
  }

  private publish(snapshot: InventorySnapshot, load: LoadState): void {
    const { bus, workerId, upstream, capacity, maxInflight, intervalMs } = this.options;
    const heartbeat: Heartbeat = {
      v: PROTOCOL_VERSION,
      workerId,
      upstream,
      models: snapshot.models,
      capacity,
      maxInflight,
      inflight: load.inflight,
      batchInflight: load.batchInflight,
      draining: load.draining,
      cordoned: load.cordoned,
      ...(snapshot.version !== undefined ? { upstreamVersion: snapshot.version } : {}),
      upstreamHealthy: snapshot.healthy,
      sentAt: Date.now(),
      intervalMs,
    };
    try {
      bus.publish(bus.subjects.heartbeat(), Heartbeat, heartbeat);
    } catch (error) {
      // A closed connection or an invalid inventory must not kill the loop.
      this.options.logger.warn({ err: error }, 'heartbeat not sent');
    }
  }
}

