/** Pure statistics of the benchmark: no I/O, unit-tested in tests/bench/stats.test.ts. */

export interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) of values sorted ascending, interpolating linearly between the
 * two nearest ranks (the "R-7" definition numpy and spreadsheets use). NaN for no values.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower]!;
  const high = sorted[upper]!;
  return low + (high - low) * (rank - lower);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  let total = 0;
  for (const value of sorted) total += value;
  return {
    count: sorted.length,
    mean: sorted.length === 0 ? Number.NaN : total / sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

/** What a path adds over the direct one: the difference in ms and the ratio (1 = no overhead). */
export interface Added {
  ms: number;
  ratio: number;
}

export function added(direct: number, through: number): Added {
  return { ms: through - direct, ratio: direct > 0 ? through / direct : Number.NaN };
}

/** The four figures compared between paths. */
export interface LatencyFigures {
  latencyP50: number;
  latencyP99: number;
  ttftP50: number;
  ttftP99: number;
}

export type AddedFigures = Record<keyof LatencyFigures, Added>;

export function addedFigures(direct: LatencyFigures, through: LatencyFigures): AddedFigures {
  return {
    latencyP50: added(direct.latencyP50, through.latencyP50),
    latencyP99: added(direct.latencyP99, through.latencyP99),
    ttftP50: added(direct.ttftP50, through.ttftP50),
    ttftP99: added(direct.ttftP99, through.ttftP99),
  };
}

/** Rounds for reports: enough digits for sub-millisecond differences, none of the float noise. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** One round of a paired comparison: the samples of its control window and of its treated window. */
export interface PairedRound {
  control: readonly number[];
  treated: readonly number[];
}

export interface ChangeInterval {
  /** Lower and upper bound of the change (0.1 = +10 %). */
  low: number;
  high: number;
  /** Share of the resamples inside the bounds. */
  confidence: number;
  resamples: number;
}

/**
 * How far the pooled p-th percentile's change (treated against control) can be trusted, by resampling
 * whole rounds with replacement: the slow streams of one window come in clusters (one stall delays
 * several at once), so it is the rounds, not the streams, that are independent. Each resample pools
 * the chosen rounds' samples per side and takes the change of their percentile; the bounds are the
 * resamples' central `confidence` share. Seeded: the same rounds give the same interval.
 */
export function pooledChangeInterval(rounds: readonly PairedRound[], options: { p?: number; resamples?: number; confidence?: number; seed?: number } = {}): ChangeInterval {
  const { p = 99, resamples = 2000, confidence = 0.9, seed = 1 } = options;
  if (rounds.length === 0) return { low: Number.NaN, high: Number.NaN, confidence, resamples: 0 };
  const random = seededRandom(seed);
  const changes: number[] = [];
  for (let index = 0; index < resamples; index++) {
    const control: number[] = [];
    const treated: number[] = [];
    for (let pick = 0; pick < rounds.length; pick++) {
      const chosen = rounds[Math.floor(random() * rounds.length)]!;
      for (const value of chosen.control) control.push(value);
      for (const value of chosen.treated) treated.push(value);
    }
    const controlPercentile = percentile(control.sort(ascending), p);
    if (controlPercentile > 0) changes.push(percentile(treated.sort(ascending), p) / controlPercentile - 1);
  }
  const sorted = changes.sort(ascending);
  const tail = ((1 - confidence) / 2) * 100;
  return { low: percentile(sorted, tail), high: percentile(sorted, 100 - tail), confidence, resamples };
}

function ascending(a: number, b: number): number {
  return a - b;
}

/** mulberry32: a small, fast generator of uniform numbers in [0, 1) from a 32-bit seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
