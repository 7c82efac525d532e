import { parseArgs } from 'node:util';

/** A command line split into positional words and `--name value` / `--name=value` / `--flag` options. */
export interface ParsedArguments {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const flag = { type: 'boolean' } as const;
const valued = { type: 'string' } as const;

/**
 * Every option some command reads: parseArgs needs to know which take a value to split a line.
 * Which command accepts which is checked by OptionReader.finish, so `keys list --rpm 5` is refused.
 */
const OPTIONS = {
  json: flag,
  help: flag,
  active: flag,
  hidden: flag,
  visible: flag,
  'exclude-reasoning': flag,
  'include-reasoning': flag,
  'password-stdin': flag,
  watch: flag,
  name: valued,
  models: valued,
  rpm: valued,
  tpm: valued,
  budget: valued,
  expires: valued,
  team: valued,
  'num-ctx': valued,
  think: valued,
  'keep-alive': valued,
  'timeout-ms': valued,
  'input-price': valued,
  'output-price': valued,
  option: valued,
  by: valued,
  from: valued,
  to: valued,
  key: valued,
  model: valued,
  email: valued,
  role: valued,
  status: valued,
} as const;

function declared(name: string): (typeof OPTIONS)[keyof typeof OPTIONS] | undefined {
  return Object.hasOwn(OPTIONS, name) ? OPTIONS[name as keyof typeof OPTIONS] : undefined;
}

export function parseArguments(argv: string[]): ParsedArguments {
  // Not strict: parseArgs' own errors name no option in a form we can reword, and it would refuse
  // a value that starts with a dash (`--budget -1`), which the commands judge themselves.
  const { positionals, tokens } = parseArgs({ args: argv, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const unknown: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = declared(token.name);
    if (!option) unknown.push(token.rawName);
    else if (option.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`--${token.name} takes no value`);
      flags.add(token.name);
    } else {
      if (token.value === undefined) throw new UsageError(`--${token.name} needs a value`);
      options.set(token.name, [...(options.get(token.name) ?? []), token.value]);
    }
  }
  if (unknown.length > 0) throw unknownOptions(unknown);
  return { positional: positionals, options, flags };
}

function unknownOptions(names: string[]): UsageError {
  return new UsageError(`unknown option${names.length > 1 ? 's' : ''}: ${names.join(', ')}`);
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
    if (unknown.length > 0) throw unknownOptions(unknown.map((name) => `--${name}`));
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
