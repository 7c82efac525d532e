import { PsWire, runningByName, TagsWire, VersionWire, type RunningWire } from '@corral/ollama';
import type { InventorySnapshot, UpstreamInventory } from '../../upstream.ts';
import { toWorkerModels } from './models.ts';
import type { OllamaClient } from './client.ts';

export interface InventoryOptions {
  /** Installed models change rarely: /api/tags is re-read at most this often. Default: 5000 ms. */
  tagsMaxAgeMs?: number;
  /**
   * How long Ollama may stay silent before it counts as not answering: the deadline of one poll.
   * Health is judged from failures, not latency: on a saturated host /api/ps can take seconds
   * while generations run fine, and taking the worker out of routing for that turns load into
   * 503s for every request.
   */
  unresponsiveAfterMs: number;
}

/**
 * What Ollama has installed (/api/tags, cached), what it has loaded (/api/ps, every poll) and its
 * version (/api/version, read with the tags).
 */
export class Inventory implements UpstreamInventory {
  private tags: TagsWire | undefined;
  private version: string | undefined;
  /** The loaded models of the last /api/ps that answered. */
  private running: ReadonlyMap<string, RunningWire> = new Map();
  private tagsFetchedAt = -Infinity;
  private snapshot: InventorySnapshot = { models: [], healthy: false };
  private pending: Promise<InventorySnapshot> | undefined;
  private lastAnswerAt = -Infinity;
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

  /** Ollama answered a job: proof of life that a poll stuck behind a busy host cannot give. */
  noteAnswer(): void {
    this.lastAnswerAt = performance.now();
  }

  /** Polls Ollama; concurrent callers share one poll. */
  refresh(): Promise<InventorySnapshot> {
    this.pending ??= this.poll().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async poll(): Promise<InventorySnapshot> {
    const deadlineMs = this.options.unresponsiveAfterMs;
    const startedAt = performance.now();
    const tagsDue = performance.now() - this.tagsFetchedAt >= this.tagsMaxAgeMs;
    const [tagsResult, psResult, versionResult] = await Promise.allSettled([
      tagsDue ? this.client.getJson('/api/tags', deadlineMs).then((raw) => TagsWire.parse(raw)) : Promise.resolve(this.tags),
      this.client.getJson('/api/ps', deadlineMs).then((raw) => PsWire.parse(raw)),
      // A version is only shown, never routed on: a proxy that hides /api/version costs no health.
      tagsDue ? this.client.getJson('/api/version', deadlineMs).then((raw) => VersionWire.parse(raw).version) : Promise.resolve(this.version),
    ]);
    if (versionResult.status === 'fulfilled') this.version = versionResult.value;
    if (tagsResult.status === 'fulfilled' && tagsDue) {
      this.tags = tagsResult.value;
      this.tagsFetchedAt = performance.now();
    }
    const failures = [tagsResult, psResult].flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failures.length === 0) this.noteAnswer();
    // Silence for the whole deadline is only "not answering" if no job heard from Ollama meanwhile.
    const silentOnly = failures.length > 0 && failures.every(isTimeout);
    const healthy = failures.length === 0 || (silentOnly && this.lastAnswerAt >= startedAt);
    // A silent /api/ps keeps the loaded models of the last poll rather than reporting nothing loaded.
    if (psResult.status === 'fulfilled') this.running = runningByName(psResult.value);
    else if (!silentOnly) this.running = new Map();
    this.snapshot = {
      // An unreachable Ollama keeps its last known models: the fleet view still shows them and
      // `healthy: false` tells the router not to count on them.
      models: this.tags ? toWorkerModels(this.tags, this.running) : [],
      healthy,
      ...(this.version !== undefined ? { version: this.version } : {}),
    };
    return this.snapshot;
  }
}

/** A poll aborted by its own deadline (undici rejects with the signal's TimeoutError). */
function isTimeout(reason: unknown): boolean {
  return reason instanceof Error && (reason.name === 'TimeoutError' || (reason.name === 'AbortError' && reason.cause instanceof Error && reason.cause.name === 'TimeoutError'));
}
