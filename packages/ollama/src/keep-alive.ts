import { z } from 'zod';

/**
 * The longest `keep_alive` accepted, in seconds (a year). Ollama stores it as Go nanoseconds, which
 * overflow past ~292 years and then read as a negative (or garbage) duration; anything longer than
 * a year means "keep it loaded", which is what -1 says.
 */
export const MAX_KEEP_ALIVE_SECONDS = 365 * 24 * 60 * 60;

/** Go's `time.ParseDuration` units, in seconds. */
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, 'μs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

const DURATION = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;
const BARE_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** Seconds of a Go duration string (`"1h30m"`, `"-1m"`), or undefined when Go would refuse it. */
export function durationSeconds(text: string): number | undefined {
  if (text === '0' || text === '+0' || text === '-0') return 0;
  if (!DURATION.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  return text.startsWith('-') ? -seconds : seconds;
}

const message = `expected a duration such as "5m" or "1h30m", a number of seconds up to ${MAX_KEEP_ALIVE_SECONDS} (a year), 0 to unload after the request, or -1 to keep the model loaded`;

/**
 * How long Ollama keeps the model loaded after the request. Ollama reads a number as seconds and a
 * string as a Go duration; any negative value means forever. What Ollama would refuse (`"NaN"`,
 * `"10"` as a string, a NUL) or misread (past Go's duration range) is refused here, and the value
 * is sent on in one form Ollama reads exactly: a negative as -1, a string of digits as its number.
 */
export const keepAliveSchema = z.union([z.string(), z.number()]).transform((value, context): string | number => {
  const seconds = typeof value === 'number' ? value : BARE_NUMBER.test(value) ? Number(value) : durationSeconds(value);
  if (seconds === undefined || !Number.isFinite(seconds) || seconds > MAX_KEEP_ALIVE_SECONDS) {
    context.addIssue({ code: 'custom', message });
    return z.NEVER;
  }
  if (seconds < 0) return -1;
  return typeof value === 'string' && !BARE_NUMBER.test(value) ? value : seconds;
});
