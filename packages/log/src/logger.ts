import { pino, stdSerializers, type LevelWithSilent, type Logger as PinoLogger } from 'pino';

export type LogLevel = LevelWithSilent;
export type LogFields = Record<string, unknown>;

/**
 * pino's call shape, fields first: `logger.warn({ err, requestId }, 'job failed')`. Narrower than
 * pino's own type on purpose: a message followed by fields (the shape some loggers use) is a type
 * error here instead of a line that silently drops its fields. Fastify's `app.log` fits it too.
 */
export interface LogMethod {
  (fields: LogFields, message: string): void;
  (message: string): void;
}

export interface Logger {
  fatal: LogMethod;
  error: LogMethod;
  warn: LogMethod;
  info: LogMethod;
  debug: LogMethod;
  trace: LogMethod;
}

export interface LoggerOptions {
  /** Which service writes; every line carries it as `service`. */
  service: string;
  /** Usually LOG_LEVEL; `silent` writes nothing. */
  level: LogLevel;
  /** More fields on every line (the worker's id). */
  base?: LogFields;
  /** Where lines go, one JSON object per call. Default: stdout. */
  write?: (line: string) => void;
}

/**
 * Secrets that would otherwise reach a line through a logged HTTP request. Callers never log
 * bodies or headers themselves (they carry prompts and credentials); this covers what a framework
 * logs on its own.
 */
const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'];

/**
 * How every service makes its logger, so all of them write the same JSON lines. It returns pino's
 * own logger, which fastify takes as `loggerInstance`; code that only logs asks for a `Logger`.
 */
export function createLogger(options: LoggerOptions): PinoLogger {
  return pino(
    {
      level: options.level,
      // Replaces pino's pid and hostname: the service (and worker id) say where a line came from.
      base: { service: options.service, ...options.base },
      // `err` keeps an error's type, message, code and stack, so a line never loses why something failed.
      serializers: { err: stdSerializers.err },
      redact: REDACTED_PATHS,
    },
    options.write ? { write: options.write } : undefined,
  );
}

/** For tests and embedders that want no output. */
export const silentLogger: Logger = createLogger({ service: 'silent', level: 'silent' });
