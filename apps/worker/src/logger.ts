/**
 * A tiny structured logger: one JSON object per line on stdout. The worker needs nothing more, and
 * keeping it dependency-free keeps the process small. Callers pass fields, never request bodies
 * or headers (they can carry prompts and credentials).
 */
export const LogLevel = { Fatal: 'fatal', Error: 'error', Warn: 'warn', Info: 'info', Debug: 'debug', Trace: 'trace', Silent: 'silent' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export type LogFields = Record<string, unknown>;
type LogMethod = (message: string, fields?: LogFields) => void;

export interface Logger {
  fatal: LogMethod;
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
  trace: LogMethod;
}

const severity: Record<LogLevel, number> = { fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10, silent: Infinity };

export interface LoggerOptions {
  level: LogLevel;
  /** Fields added to every line (e.g. the worker id). */
  base?: LogFields;
  /** Where lines go. Default: stdout. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = severity[options.level];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const base = options.base ?? {};
  const method =
    (level: Exclude<LogLevel, 'silent'>): LogMethod =>
    (message, fields) => {
      if (severity[level] < threshold) return;
      write(`${safeStringify({ time: new Date().toISOString(), level, msg: message, ...base, ...fields })}\n`);
    };
  return {
    fatal: method('fatal'),
    error: method('error'),
    warn: method('warn'),
    info: method('info'),
    debug: method('debug'),
    trace: method('trace'),
  };
}

/** Errors become `{ name, message, code }` so a log line never loses why something failed. */
function safeStringify(value: LogFields): string {
  return JSON.stringify(value, (_key, field: unknown) => {
    if (field instanceof Error) {
      const code = (field as { code?: unknown }).code;
      return { name: field.name, message: field.message, ...(code === undefined ? {} : { code }) };
    }
    return field;
  });
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
