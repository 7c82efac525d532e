import { ErrorText, OllamaError, RequestCancelled } from './errors.ts';
import { FOREVER } from './duration.ts';
import { Capability, hasCapability, type CatalogModel } from './models.ts';
import { Semaphore } from './semaphore.ts';

export interface SchedulerSettings {
  numParallel: number;
  maxQueue: number;
  loadDelayMs: number;
  /** Keep-alive a model gets when it loads without an explicit request value. */
  defaultKeepAliveMs: number;
}

/** Ollama's default num_ctx on a machine with less than 23 GiB of VRAM. */
const DEFAULT_NUM_CTX = 4096;
/** setTimeout can't wait longer; anything beyond is as good as forever here. */
const MAX_TIMER_MS = 2_147_483_647;

/** A loaded model ("runner"): parallel slots, reference count, keep-alive timer. */
export class Runner {
  refCount = 0;
  keepAliveMs: number;
  /** When the keep-alive timer fires (epoch ms); only meaningful while refCount is 0. */
  expiresAtMs = 0;
  timer: NodeJS.Timeout | undefined;
  unloaded = false;
  readonly slots: Semaphore;

  constructor(
    readonly model: CatalogModel,
    readonly numCtx: number,
    keepAliveMs: number,
    numParallel: number,
  ) {
    this.keepAliveMs = keepAliveMs;
    this.slots = new Semaphore(Runner.slotsFor(model, numParallel));
  }

  /** Embedding models always get one slot (Ollama forces num_parallel 1 for them). */
  static slotsFor(model: CatalogModel, numParallel: number): number {
    const embeddingOnly = hasCapability(model, Capability.embedding) && !hasCapability(model, Capability.completion);
    return embeddingOnly ? 1 : Math.max(1, numParallel);
  }

  /** expires_at as /api/ps shows it: estimated from now while in use. */
  expiresAt(now: number): number {
    const keepAlive = this.keepAliveMs === FOREVER ? 9_223_372_036_854 : this.keepAliveMs;
    return this.refCount > 0 || this.timer === undefined ? now + keepAlive : this.expiresAtMs;
  }
}

export interface RunnerRequest {
  /** Request keep_alive in ms, when the request had one. */
  keepAliveMs: number | undefined;
  /** options.num_ctx, when the request had one (used only at load time). */
  numCtx: number | undefined;
  signal: AbortSignal;
}

interface PendingLoad {
  model: CatalogModel;
  request: RunnerRequest;
  resolve: (runner: Runner) => void;
  reject: (error: Error) => void;
  onAbort: () => void;
}

/**
 * Ollama's scheduler, reduced to what clients can observe: loaded models bypass the queue and wait
 * on their slots; everything else waits in a bounded pending queue served one load at a time.
 */
export class Scheduler {
  private readonly runners = new Map<string, Runner>();
  private readonly pending: PendingLoad[] = [];
  private processing = false;
  private closed = false;

  constructor(private readonly settings: () => SchedulerSettings) {}

  /** Gets a runner for the model (refCount taken), loading it when needed. Slots are taken separately. */
  acquire(model: CatalogModel, request: RunnerRequest): Promise<Runner> {
    if (request.signal.aborted) return Promise.reject(new RequestCancelled());
    const runner = this.runners.get(model.name.key);
    if (runner) {
      this.attach(runner, request.keepAliveMs);
      return Promise.resolve(runner);
    }
    // Like a send on Ollama's buffered pendingReqCh: an idle scheduler takes the request at once,
    // otherwise it must fit in the maxQueue buffer.
    if (this.processing && this.pending.length >= this.settings().maxQueue) {
      return Promise.reject(new OllamaError(503, ErrorText.queueFull));
    }
    return new Promise<Runner>((resolve, reject) => {
      const entry: PendingLoad = {
        model,
        request,
        resolve,
        reject,
        onAbort: () => {
          const position = this.pending.indexOf(entry);
          if (position !== -1) {
            this.pending.splice(position, 1);
            reject(new RequestCancelled());
          }
        },
      };
      request.signal.addEventListener('abort', entry.onAbort, { once: true });
      this.pending.push(entry);
      void this.processPending();
    });
  }

  /** Ends a request's use of the runner; the keep-alive timer starts when the last one leaves. */
  release(runner: Runner): void {
    runner.refCount--;
    if (runner.refCount > 0 || runner.unloaded) return;
    const keepAlive = runner.keepAliveMs;
    if (keepAlive <= 0) {
      this.unload(runner);
      return;
    }
    runner.expiresAtMs = Date.now() + keepAlive;
    if (keepAlive === FOREVER || keepAlive > MAX_TIMER_MS) return;
    runner.timer = setTimeout(() => this.unload(runner), keepAlive);
    runner.timer.unref();
  }

  /** keep_alive:0 with an empty request: unload now, or as soon as the model is idle. */
  expire(model: CatalogModel): void {
    const runner = this.runners.get(model.name.key);
    if (!runner) return;
    runner.keepAliveMs = 0;
    if (runner.refCount === 0) this.unload(runner);
  }

  runnersByExpiry(): Runner[] {
    const now = Date.now();
    return [...this.runners.values()].sort((left, right) => right.expiresAt(now) - left.expiresAt(now));
  }

  loadedNames(): string[] {
    return [...this.runners.values()].map((runner) => runner.model.name.display);
  }

  setNumParallel(numParallel: number): void {
    for (const runner of this.runners.values()) runner.slots.setCapacity(Runner.slotsFor(runner.model, numParallel));
  }

  close(): void {
    this.closed = true;
    for (const entry of this.pending.splice(0)) {
      entry.request.signal.removeEventListener('abort', entry.onAbort);
      entry.reject(new RequestCancelled());
    }
    for (const runner of this.runners.values()) {
      runner.slots.rejectAll(new RequestCancelled());
      this.unload(runner);
    }
  }

  private attach(runner: Runner, keepAliveMs: number | undefined): void {
    runner.refCount++;
    if (runner.timer) clearTimeout(runner.timer);
    runner.timer = undefined;
    if (keepAliveMs !== undefined) runner.keepAliveMs = keepAliveMs;
  }

  private unload(runner: Runner): void {
    if (runner.timer) clearTimeout(runner.timer);
    runner.timer = undefined;
    runner.unloaded = true;
    if (this.runners.get(runner.model.name.key) === runner) this.runners.delete(runner.model.name.key);
  }

  /** One pending request at a time, like Ollama's processPending: at most one load in progress. */
  private async processPending(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let entry = this.pending.shift(); entry !== undefined; entry = this.pending.shift()) {
        entry.request.signal.removeEventListener('abort', entry.onAbort);
        if (entry.request.signal.aborted || this.closed) {
          entry.reject(new RequestCancelled());
          continue;
        }
        let runner = this.runners.get(entry.model.name.key);
        if (!runner) {
          const loaded = await this.load(entry);
          if (!loaded) {
            entry.reject(new RequestCancelled());
            continue;
          }
          runner = loaded;
        }
        this.attach(runner, entry.request.keepAliveMs);
        entry.resolve(runner);
      }
    } finally {
      this.processing = false;
    }
  }

  /** Simulated load; aborted (undefined) when the requesting client leaves meanwhile. */
  private async load(entry: PendingLoad): Promise<Runner | undefined> {
    const settings = this.settings();
    const loadedInTime = await abortableDelay(settings.loadDelayMs, entry.request.signal);
    if (!loadedInTime || this.closed) return undefined;
    const requested = entry.request.numCtx ?? DEFAULT_NUM_CTX;
    const floor = hasCapability(entry.model, Capability.vision) ? 2048 : 1;
    const numCtx = Math.min(Math.max(requested, floor), entry.model.contextLength);
    const runner = new Runner(
      entry.model,
      numCtx,
      entry.request.keepAliveMs ?? settings.defaultKeepAliveMs,
      settings.numParallel,
    );
    this.runners.set(entry.model.name.key, runner);
    return runner;
  }
}

/** Resolves true after the delay, false as soon as the signal aborts. */
function abortableDelay(delayMs: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, delayMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
