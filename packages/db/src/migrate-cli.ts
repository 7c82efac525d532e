import { resolve } from 'node:path';
import { migrate } from './migrate.ts';
import { resolveDatabase } from './resolve-database.ts';

// pnpm runs package scripts inside the package; INIT_CWD is where the user typed the command.
const baseDirectory = process.env.INIT_CWD ?? process.cwd();
const dataDir = resolve(baseDirectory, process.env.CORRAL_DATA_DIR || '.corral');

try {
  const database = await resolveDatabase(process.env, { dataDir });
  const where = new URL(database.url);
  console.log(`migrating ${where.host}${where.pathname} (${database.source})`);
  await migrate(database.url);
  console.log('migrations applied');
  await database.stop?.();
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
