import type { WorkerModel } from '@corral/protocol';
import { loadedNames, PsWire, TagsWire, toWorkerModels } from './models.ts';
import type { OllamaClient } from './ollama-client.ts';

export interface InventorySnapshot {
  models: WorkerModel[];
  /** False when Ollama did not answer the last poll. */
  healthy: boolean;
}

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
    const loaded = psResult.status === 'fulfilled' ? loadedNames(psResult.value) : new Set<string>();
    this.snapshot = {
      // An unreachable Ollama keeps its last known models: the fleet view still shows them and
      // `healthy: false` tells the router not to count on them.
      models: this.tags ? toWorkerModels(this.tags, loaded) : [],
      healthy: tagsResult.status === 'fulfilled' && psResult.status === 'fulfilled',
    };
    return this.snapshot;
  }
}
