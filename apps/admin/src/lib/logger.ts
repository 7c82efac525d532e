import 'server-only';
import { createLogger, type Logger } from '@corral/log';
import { adminConfig } from './config.ts';

const holder = globalThis as typeof globalThis & { corralAdminLogger?: Logger };

/** The app's one logger (pino JSON lines, `service: admin`), made on first use. */
export function logger(): Logger {
  holder.corralAdminLogger ??= createLogger({ service: 'admin', level: adminConfig().LOG_LEVEL });
  return holder.corralAdminLogger;
}
