/** Something that must hear at once when the fleet loses a worker (its heartbeats stopped). */
export interface LossListener {
  workerLost(): void;
}

/** Who is waiting on which worker, so that losing a worker fails its attempts without waiting for their timeouts. */
export class WorkerLosses {
  private readonly listenersByWorker = new Map<string, Set<LossListener>>();

  watch(workerId: string, listener: LossListener): void {
    let listeners = this.listenersByWorker.get(workerId);
    if (!listeners) this.listenersByWorker.set(workerId, (listeners = new Set()));
    listeners.add(listener);
  }

  unwatch(workerId: string, listener: LossListener): void {
    this.listenersByWorker.get(workerId)?.delete(listener);
  }

  lose(workerId: string): void {
    const listeners = this.listenersByWorker.get(workerId);
    if (!listeners) return;
    this.listenersByWorker.delete(workerId);
    for (const listener of listeners) listener.workerLost();
  }
}
