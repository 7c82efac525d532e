import type { WorkerModel } from '@corral/protocol';
import { loadedNames, PsWire, TagsWire, toWorkerModels } from './models.ts';
import type { OllamaClient } from './ollama-client.ts';

export interface InventorySnapshot {
  models: WorkerModel[];
  /** False when Ollama refused or failed the last poll, or was too slow for several polls in a row. */
  healthy: boolean;
}

/**
 * Slow polls in a row tolerated before Ollama counts as unhealthy. A busy host (a model loading, a
 * saturated CPU) can answer one poll late; taking the worker out of routing for that would turn a
 * hiccup into 503s for every request, while a refused connection or an error is judged at once.
 */
export const SLOW_POLLS_TOLERATED = 2;

export interface InventoryOptions {
  /** Installed models change rarely: /api/tags is re-read at most this often. Default: 5000 ms. */
  tagsMaxAgeMs?: number;
  /** A poll slower than this counts as Ollama not answering. */
  timeoutMs: number;
}

/** What Ollama has installed (/api/tags, cached) and what it has loaded (/api/ps, every poll). */
export class Inventory {
  private tags: TagsWire | undefined;
  private tagsFetchedAt = -Infinity;
  private snapshot: InventorySnapshot = { models: [], healthy: false };
  private pending: Promise<InventorySnapshot> | undefined;
  private slowPollsInARow = 0;
  private readonly tagsMaxAgeMs: number;

  constructor(
    private readonly client: OllamaClient,
    private readonly options: InventoryOptions,
  ) {
    this.tagsMaxAgeMs = options.tagsMaxAgeMs ?? 5000;
  }

  current(): InventorySnapshot {
    return this.snapshot;
  }

  /** Forces /api/tags on the next poll (Ollama just said a model we advertise is missing). */
  invalidate(): void {
    this.tagsFetchedAt = -Infinity;
  }

  /** Polls Ollama; concurrent callers share one poll. */
  refresh(): Promise<InventorySnapshot> {
    this.pending ??= this.poll().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async poll(): Promise<InventorySnapshot> {
    const tagsDue = performance.now() - this.tagsFetchedAt >= this.tagsMaxAgeMs;
    const [tagsResult, psResult] = await Promise.allSettled([
      tagsDue ? this.client.getJson('/api/tags', this.options.timeoutMs).then((raw) => TagsWire.parse(raw)) : Promise.resolve(this.tags),
      this.client.getJson('/api/ps', this.options.timeoutMs).then((raw) => PsWire.parse(raw)),
    ]);
    if (tagsResult.status === 'fulfilled' && tagsDue) {
      this.tags = tagsResult.value;
      this.tagsFetchedAt = performance.now();
    }
    const failures = [tagsResult, psResult].flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    const onlySlow = failures.length > 0 && failures.every(isTimeout);
    this.slowPollsInARow = onlySlow ? this.slowPollsInARow + 1 : 0;
    const healthy = failures.length === 0 || (onlySlow && this.slowPollsInARow <= SLOW_POLLS_TOLERATED && this.snapshot.healthy);
    // A slow /api/ps keeps the loaded flags of the last poll rather than reporting nothing loaded.
    const loaded = psResult.status === 'fulfilled' ? loadedNames(psResult.value) : onlySlow ? this.loadedBefore() : new Set<string>();
    this.snapshot = {
      // An unreachable Ollama keeps its last known models: the fleet view still shows them and
      // `healthy: false` tells the router not to count on them.
      models: this.tags ? toWorkerModels(this.tags, loaded) : [],
      healthy,
    };
    return this.snapshot;
  }

  private loadedBefore(): Set<string> {
    return new Set(this.snapshot.models.filter((model) => model.loaded).map((model) => model.name));
  }
}

/** A poll aborted by its own deadline (undici rejects with the signal's TimeoutError). */
function isTimeout(reason: unknown): boolean {
  return reason instanceof Error && (reason.name === 'TimeoutError' || (reason.name === 'AbortError' && reason.cause instanceof Error && reason.cause.name === 'TimeoutError'));
}
