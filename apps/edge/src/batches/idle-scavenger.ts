import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The young generation as the scavenger reads it: bytes in use and bytes it holds in all. */
export interface YoungGeneration {
  used: number;
  capacity: number;
}

/**
 * Share of the young generation's capacity in use at which a collection is started early. Low on
 * purpose: a scavenge copies what is still alive, and beside a batch that is the lines waiting on
 * their coalesced call, so its pause grows with the time since the last one. Collected at 60 % the
 * edge paused ~10 ms every ~1.2 s; at 20 %, ~4.7 ms every ~0.4 s (BENCHMARKS.md). A request that
 * arrives during one waits out only what is left of it, so the shorter pause is what a chat user's
 * first token sees, while the extra collections cost the edge ~0.3 % of a core.
 */
const START_AT = 0.2;
/**
 * Share of its capacity that must have been allocated since the last collection: what survived one
 * (the lines still waiting on their calls) may fill the young generation past START_AT by itself,
 * and collecting it again at once would only copy it again.
 */
const MIN_ALLOCATED = 0.1;

export interface IdleScavengerOptions {
  /** True while a user waits on this edge for a first output: no collection is started then. */
  usersWaiting: () => boolean;
  /** Reads the young generation (tests pass their own). Default: V8's new space. */
  young?: () => YoungGeneration;
  /** Collects the young generation: V8's scavenge from `youngCollector()`, or a test's own. */
  collect: () => void;
}

/**
 * Collects the edge's young generation while no user waits on it. Beside a batch, the lines waiting
 * on their coalesced call are what V8's scavenges copy: ~10 ms each, every ~1–2 s, at whatever moment
 * the young generation happens to fill — and a chat user's first token that was due then waited for
 * it (BENCHMARKS.md: the edge's scavenges, 14–16 per 30 s beside a batch, were what the slowest first
 * tokens had in common). Batch work calls `poke()` between its slices; once the young generation is
 * a fifth full (a tenth of it allocated since its last collection at least) and no interactive
 * request on this edge is still waiting for its first output, the scavenge is run there and then,
 * so the one V8 would have started later, perhaps under a user's first token, never comes. While
 * users always wait, nothing changes: V8 collects when it must, as before.
 */
export class IdleScavenger {
  private readonly young: () => YoungGeneration;
  /** Bytes in use right after the last collection seen (ours or V8's own). */
  private baseline: number;
  private lastUsed: number;

  constructor(private readonly options: IdleScavengerOptions) {
    this.young = options.young ?? newSpace;
    this.baseline = this.lastUsed = this.young().used;
  }

  /** Collects now if it is time and no user waits; returns whether it did. Costs a few µs otherwise. */
  poke(): boolean {
    const { used, capacity } = this.young();
    // Less in use than at the last look: V8 collected on its own meanwhile.
    if (used < this.lastUsed) this.baseline = used;
    this.lastUsed = used;
    if (used < START_AT * capacity || used - this.baseline < MIN_ALLOCATED * capacity || this.options.usersWaiting()) return false;
    this.options.collect();
    this.baseline = this.lastUsed = this.young().used;
    return true;
  }
}

/** V8's young generation (its new space) now. */
export function newSpace(): YoungGeneration {
  const space = getHeapSpaceStatistics().find((candidate) => candidate.space_name === 'new_space');
  if (!space) return { used: 0, capacity: Number.POSITIVE_INFINITY };
  return { used: space.space_used_size, capacity: space.space_used_size + space.space_available_size };
}

/**
 * V8's young-generation collection as a function, or undefined where the runtime does not offer it.
 * `gc` is only exposed to contexts created after `--expose-gc` is set, hence the fresh context: the
 * function it returns collects this whole isolate.
 */
export function youngCollector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc !== 'function') return undefined;
    return () => (gc as (options: { type: 'minor' }) => void)({ type: 'minor' });
  } catch {
    return undefined;
  }
}
