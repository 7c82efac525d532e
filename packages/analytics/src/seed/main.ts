import { parseArgs } from 'node:util';
import { migrate } from '@corral/db';
import { createLogger } from '@corral/log';
import pg from 'pg';
import { z } from 'zod';
import { seedUsage, SeedRefused } from './seed-usage.ts';

const count = (maximum: number) => z.coerce.number().int().min(1).max(maximum);
const Options = z.object({
  rows: count(100_000_000).default(10_000_000),
  days: count(3650).default(90),
  keys: count(100_000).default(200),
  models: count(1000).default(20),
  teams: count(10_000).default(20),
  force: z.boolean().default(false),
});

const logger = createLogger({ service: 'seed-usage', level: 'info' });
const { values } = parseArgs({
  options: { rows: { type: 'string' }, days: { type: 'string' }, keys: { type: 'string' }, models: { type: 'string' }, teams: { type: 'string' }, force: { type: 'boolean' } },
});
const parsed = Options.safeParse(values);
const databaseUrl = process.env.DATABASE_URL;
if (!parsed.success || !databaseUrl) {
  console.error(parsed.success ? 'DATABASE_URL names the database to seed' : z.prettifyError(parsed.error));
  console.error('usage: DATABASE_URL=… pnpm db:seed [--rows 10000000] [--days 90] [--keys 200] [--models 20] [--teams 20] [--force]');
  process.exit(2);
}

await migrate(databaseUrl);
const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
try {
  const started = performance.now();
  await seedUsage(client, { ...parsed.data, onStep: (step, milliseconds) => logger.info({ step, ms: Math.round(milliseconds) }, 'seed step done') });
  logger.info({ ...parsed.data, ms: Math.round(performance.now() - started) }, 'usage seeded');
} catch (error) {
  if (!(error instanceof SeedRefused)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await client.end();
}
