import { setFlagsFromString } from 'node:v8';

const FLAG = '--heap-growing-percent';

/**
 * Fixes how far V8 lets the old generation grow past what the last full collection kept, as
 * 1 + percent/100 of it; 0 leaves V8's own heuristic.
 *
 * Why: that heuristic sizes the headroom by how fast the process fills its old generation compared
 * with how fast it collects it. A worker promotes little (about 0.1 MB/s beside a batch) and
 * collects its 20-odd MB quickly, so V8 grants it the minimum, 1.1 ×: a full collection every couple
 * of megabytes, one per worker every 20–30 s, each holding the event loop (and the first tokens
 * passing through it) for up to tens of milliseconds. At 4 × (V8's own ceiling on a large machine)
 * the same worker reached no limit in four minutes of a batch beside chat, for a limit of 66–102 MB
 * instead of ~28 MB.
 *
 * A `--heap-growing-percent` given to node on the command line is the operator's and wins.
 * Returns the percent in effect from here on (undefined: V8's heuristic).
 */
export function fixHeapGrowth(percent: number, execArgv: readonly string[] = process.execArgv): number | undefined {
  const given = operatorsPercent(execArgv);
  if (given !== undefined) return given > 0 ? given : undefined;
  const whole = Math.round(percent);
  if (whole <= 0) return undefined;
  setFlagsFromString(`${FLAG}=${whole}`);
  return whole;
}

/** The percent given on node's command line (V8 spells flags with - or _, the value after = or apart). */
function operatorsPercent(execArgv: readonly string[]): number | undefined {
  for (const [index, argument] of execArgv.entries()) {
    const [name, value = execArgv[index + 1]] = argument.split('=', 2);
    if (name?.replaceAll('_', '-') !== FLAG) continue;
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : 0;
  }
  return undefined;
}
