import { OllamaError } from './errors.ts';

/** Milliseconds meaning "never unload" (Ollama stores math.MaxInt64 ns). */
export const FOREVER = Number.POSITIVE_INFINITY;

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, returning milliseconds. */
export function parseGoDuration(text: string): number {
  const invalid = (): OllamaError => new OllamaError(400, `time: invalid duration ${JSON.stringify(text)}`);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let total = 0;
  const part = /^(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)?/;
  while (rest.length > 0) {
    const match = part.exec(rest);
    const number = match?.[1] ?? '';
    if (number === '' || number === '.') throw invalid();
    const unit = match?.[2];
    if (unit === undefined) throw new OllamaError(400, `time: missing unit in duration ${JSON.stringify(text)}`);
    total += Number(number) * (unitMs[unit] ?? 0);
    rest = rest.slice(number.length + unit.length);
  }
  return sign * total;
}

/**
 * A `keep_alive` value (api.Duration): a number is seconds, a string a Go duration; any negative
 * value means forever. Returns milliseconds.
 */
export function parseKeepAlive(value: unknown): number {
  let milliseconds: number;
  if (typeof value === 'number') milliseconds = value * 1000;
  else if (typeof value === 'string') milliseconds = parseGoDuration(value);
  else throw new OllamaError(400, `Unsupported type: '${goTypeName(value)}'`);
  return milliseconds < 0 ? FOREVER : milliseconds;
}

/** Go's reflect type name of a decoded JSON value (for decoder error messages). */
export function goTypeName(value: unknown): string {
  if (value === null) return '<nil>';
  if (Array.isArray(value)) return '[]interface {}';
  switch (typeof value) {
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    default:
      return 'map[string]interface {}';
  }
}
