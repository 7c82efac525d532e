/** A command line split into positional words and `--name value` / `--name=value` / `--flag` options. */
export interface ParsedArguments {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Options that never take a value. */
const FLAGS = new Set(['json', 'exclude-reasoning', 'include-reasoning', 'hidden', 'visible', 'help', 'active']);

export function parseArguments(argv: string[]): ParsedArguments {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index]!;
    if (word === '--') {
      positional.push(...argv.slice(index + 1));
      break;
    }
    if (!word.startsWith('--')) {
      positional.push(word);
      continue;
    }
    const equals = word.indexOf('=');
    const name = word.slice(2, equals === -1 ? undefined : equals);
    if (FLAGS.has(name)) {
      if (equals !== -1) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    const value = equals === -1 ? argv[++index] : word.slice(equals + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options.set(name, [...(options.get(name) ?? []), value]);
  }
  return { positional, options, flags };
}

/** Reads options and refuses any that the command does not know, so typos are not silently ignored. */
export class OptionReader {
  private readonly used = new Set<string>();
  constructor(private readonly parsed: ParsedArguments) {}

  string(name: string): string | undefined {
    this.used.add(name);
    const values = this.parsed.options.get(name);
    if (values && values.length > 1) throw new UsageError(`--${name} given more than once`);
    return values?.[0];
  }

  all(name: string): string[] {
    this.used.add(name);
    return this.parsed.options.get(name) ?? [];
  }

  flag(name: string): boolean {
    this.used.add(name);
    return this.parsed.flags.has(name);
  }

  integer(name: string): number | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) throw new UsageError(`--${name} must be a positive whole number, got ${JSON.stringify(text)}`);
    return value;
  }

  /** A positive integer, or `none` to clear the limit. */
  limit(name: string): number | null | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (text === 'none') return null;
    this.used.delete(name);
    return this.integer(name);
  }

  money(name: string, clearWord?: string): number | null | undefined {
    const text = this.string(name);
    if (text === undefined) return undefined;
    if (clearWord && text === clearWord) return null;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a non-negative amount, got ${JSON.stringify(text)}`);
    return value;
  }

  /** Throws when an option was given that nothing read. */
  finish(): void {
    this.used.add('json');
    const unknown = [...this.parsed.options.keys(), ...this.parsed.flags].filter((name) => !this.used.has(name));
    if (unknown.length > 0) throw new UsageError(`unknown option${unknown.length > 1 ? 's' : ''}: ${unknown.map((name) => `--${name}`).join(', ')}`);
  }
}

const RELATIVE = /^(\d+)([mhdw])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** An ISO date or time (`2026-01-31`, `2026-01-31T12:00:00Z`) or a span from now (`90m`, `12h`, `30d`, `2w`). */
export function parseDate(text: string, name: string, now = Date.now()): string {
  const relative = RELATIVE.exec(text);
  if (relative) return new Date(now + Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS]).toISOString();
  const time = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Date.parse(text);
  if (Number.isNaN(time)) throw new UsageError(`--${name} is not a date: ${JSON.stringify(text)} (use 2026-01-31, an ISO time, or 30d / 12h)`);
  return new Date(time).toISOString();
}

export function parseList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
