export { createLogger, silentLogger, type Logger, type LogMethod, type LogFields, type LogLevel, type LoggerOptions } from './logger.ts';
