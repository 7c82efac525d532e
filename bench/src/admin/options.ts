import { parseArgs } from 'node:util';

export interface AdminBenchOptions {
  /** Usage rows to seed (over 90 days, 200 keys, 20 models, 20 teams). */
  rows: number;
  /** Timed runs per query. */
  runs: number;
  /** Keep the database when it already holds the same seed (else it is dropped and seeded again). */
  reuse: boolean;
  /** Leave the database behind at the end (else it is dropped). */
  keep: boolean;
  /** The scratch database (created, and dropped at the end unless `keep`). */
  databaseUrl: string;
  /** A query fails the run when its p95 reaches this many ms. */
  limitMs: number;
}

export const ADMIN_USAGE = `pnpm bench:admin [options]

Seeds usage rows into a scratch database and times every admin page's server-side query
(client-side p50/p95/max over --runs, plus EXPLAIN (ANALYZE, BUFFERS) once per query).
Exits 1 when any p95 reaches --limit (the CSV export's total time excepted).

  --rows 10000000         usage rows to seed (90 days, 200 keys, 20 models, 20 teams)
  --runs 20               timed runs per query
  --reuse                 keep the database when it already holds the same seed
  --keep                  leave the database behind at the end (default: drop it)
  --limit 200             p95 limit in ms
  --database-url URL      default postgres://postgres@127.0.0.1:5432/corral_bench_admin (or BENCH_ADMIN_DATABASE_URL)
`;

function positive(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll('_', ''));
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} expects a positive integer, got ${text}`);
  return value;
}

/** Parses the command line (pnpm passes a lone `--` through; it is ignored). */
export function parseAdminOptions(argv: string[], env: Record<string, string | undefined>): AdminBenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      help: { type: 'boolean', short: 'h' },
      rows: { type: 'string' },
      runs: { type: 'string' },
      reuse: { type: 'boolean' },
      keep: { type: 'boolean' },
      limit: { type: 'string' },
      'database-url': { type: 'string' },
    },
    allowPositionals: false,
  });
  if (values.help) return 'help';
  return {
    rows: positive(values.rows, 10_000_000, 'rows'),
    runs: positive(values.runs, 20, 'runs'),
    reuse: values.reuse === true,
    keep: values.keep === true,
    limitMs: positive(values.limit, 200, 'limit'),
    databaseUrl: values['database-url'] ?? env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/corral_bench_admin',
  };
}
