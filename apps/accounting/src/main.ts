import { resolve } from 'node:path';
import { AccountingConfig, parseEnv } from '@corral/config';
import { createLogger } from '@corral/log';
import { startAccounting } from './start.ts';

const config = parseEnv(AccountingConfig, process.env);
// pnpm runs the app inside its package; a relative data directory means where the user typed the command.
config.CORRAL_DATA_DIR = resolve(process.env.INIT_CWD ?? process.cwd(), config.CORRAL_DATA_DIR);
const logger = createLogger({ service: 'accounting', level: config.LOG_LEVEL });

let accounting: Awaited<ReturnType<typeof startAccounting>>;
try {
  accounting = await startAccounting(config, { logger });
} catch (error) {
  logger.error({ err: error }, 'accounting could not start');
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    accounting.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  });
}
