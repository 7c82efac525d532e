import { RequestCancelled } from './errors.ts';

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/** FIFO counting semaphore with unbounded waiting; waiters leave when their signal aborts. */
export class Semaphore {
  private inUse = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private capacity: number) {}

  get used(): number {
    return this.inUse;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new RequestCancelled());
    if (this.inUse < this.capacity && this.waiters.length === 0) {
      this.inUse++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const position = this.waiters.indexOf(waiter);
          if (position !== -1) this.waiters.splice(position, 1);
          reject(new RequestCancelled());
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(): void {
    this.inUse--;
    this.grant();
  }

  setCapacity(capacity: number): void {
    this.capacity = capacity;
    this.grant();
  }

  /** Rejects every waiter (shutdown). */
  rejectAll(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(error);
    }
  }

  private grant(): void {
    while (this.inUse < this.capacity && this.waiters.length > 0) {
      const waiter = this.waiters.shift() as Waiter;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.inUse++;
      waiter.resolve();
    }
  }
}
