/** The few logging calls accounting makes; pino's loggers fit this shape too. */
export interface Logger {
  debug(details: Record<string, unknown>, message: string): void;
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export const LogLevel = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity } as const;
export type LogLevel = keyof typeof LogLevel;

/** JSON lines, one per event, in the same shape pino writes, so the same tools read both. */
export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const threshold = LogLevel[level];
  const emit = (levelName: 'debug' | 'info' | 'warn' | 'error') => (details: Record<string, unknown>, message: string) => {
    if (LogLevel[levelName] < threshold) return;
    write(`${JSON.stringify({ level: LogLevel[levelName], time: Date.now(), name: 'accounting', ...details, msg: message }, errorReplacer)}\n`);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { type: value.name, message: value.message, code: (value as { code?: unknown }).code };
  return value;
}
