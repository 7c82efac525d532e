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
