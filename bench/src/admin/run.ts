import { requestLog, seedUsage } from '@corral/analytics';
import { createDb, dropDatabase, ensureDatabase, migrate, type Db } from '@corral/db';
import pg from 'pg';
import { describeMachine, type Machine } from '../machine.ts';
import { percentile } from '../stats.ts';
import { benchCases, CSV_CASE, timeCsvExport, type BenchCase, type Subjects } from './cases.ts';
import { explainStatements, StatementRecorder, type PlanSummary } from './explain.ts';
import type { AdminBenchOptions } from './options.ts';

/** The seed the issue asks for, but for the number of rows. */
const SEED_SHAPE = { days: 90, keys: 200, models: 20, teams: 20 };
const DEEP_PAGES = 50;

export interface Timing {
  p50: number;
  p95: number;
  max: number;
}

export interface CaseResult extends Timing, PlanSummary {
  name: string;
  page: string;
}

export interface AdminBenchReport {
  machine: Machine;
  postgres: string;
  rows: number;
  runs: number;
  /** Seeding time (ms), null when an existing seed was reused. */
  seedMs: number | null;
  cases: CaseResult[];
  csv: { firstLine: Timing; total: Timing; lines: number; plan: PlanSummary };
}

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((left, right) => left - right);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? Number.NaN };
}

interface SeedRecord {
  shape: string;
  now: Date;
}

/** The seed a database holds, recorded by this benchmark next to it (undefined: none or unknown). */
async function recordedSeed(client: pg.Client): Promise<SeedRecord | undefined> {
  const table = await client.query<{ present: boolean }>(`SELECT to_regclass('bench_admin_seed') IS NOT NULL AS present`);
  if (!table.rows[0]?.present) return undefined;
  const result = await client.query<{ shape: string; now: Date }>('SELECT shape, now FROM bench_admin_seed LIMIT 1');
  return result.rows[0];
}

/** A database holding `rows` seeded usage rows: the existing one when `reuse` and it matches, else a fresh one. */
async function prepareDatabase(options: AdminBenchOptions, log: (line: string) => void): Promise<{ now: Date; seedMs: number | null }> {
  const shape = JSON.stringify({ rows: options.rows, ...SEED_SHAPE });
  const { created } = await ensureDatabase(options.databaseUrl);
  if (!created) {
    if (options.reuse) {
      const client = new pg.Client({ connectionString: options.databaseUrl });
      await client.connect();
      try {
        const seed = await recordedSeed(client);
        if (seed?.shape === shape) {
          await migrate(options.databaseUrl);
          // A migration may have added indexes: fresh statistics and visibility map, as after a seed.
          await client.query('ANALYZE usage, api_keys, teams');
          await client.query('VACUUM (ANALYZE) usage_hourly, usage_daily, usage_team_hourly, usage_team_daily');
          log(`reusing the seed of ${seed.now.toISOString()} (${options.rows} rows)`);
          return { now: seed.now, seedMs: null };
        }
      } finally {
        await client.end();
      }
    }
    await dropDatabase(options.databaseUrl);
    await ensureDatabase(options.databaseUrl);
  }
  await migrate(options.databaseUrl);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    log(`seeding ${options.rows} usage rows…`);
    const started = performance.now();
    await seedUsage(client, { rows: options.rows, ...SEED_SHAPE, now, onStep: (step, ms) => log(`  ${step}: ${(ms / 1000).toFixed(1)} s`) });
    const seedMs = performance.now() - started;
    await client.query('CREATE TABLE bench_admin_seed (shape text NOT NULL, now timestamptz NOT NULL)');
    await client.query('INSERT INTO bench_admin_seed VALUES ($1, $2)', [shape, now]);
    log(`seeded in ${(seedMs / 1000).toFixed(1)} s`);
    return { now, seedMs };
  } finally {
    await client.end();
  }
}

/** The busiest team, key and model of the last 30 days, and a cursor deep into the request log. */
async function pickSubjects(db: Db, pool: pg.Pool, now: Date): Promise<Subjects> {
  const since = new Date(now.getTime() - 30 * 86_400_000);
  const busiest = async (column: string, table: string) => {
    const result = await pool.query<{ value: string }>(
      `SELECT ${column}::text AS value FROM ${table} WHERE bucket_start >= $1 AND ${column} IS NOT NULL GROUP BY 1 ORDER BY sum(requests) DESC LIMIT 1`,
      [since],
    );
    if (!result.rows[0]) throw new Error(`the seed has no ${column} in the last 30 days`);
    return result.rows[0].value;
  };
  let cursor: string | undefined;
  for (let page = 0; page < DEEP_PAGES; page += 1) {
    const next: string | null = (await requestLog(db, { after: cursor })).nextCursor;
    if (!next) break;
    cursor = next;
  }
  if (!cursor) throw new Error('the request log has a single page: seed more rows');
  return { now, teamId: await busiest('team_id', 'usage_team_daily'), keyId: await busiest('key_id', 'usage_daily'), model: await busiest('model', 'usage_daily'), keySearch: 'key-01', deepCursor: cursor };
}

async function measure(run: () => Promise<unknown>, runs: number): Promise<Timing> {
  const samples: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return timing(samples);
}

/** Seeds (or reuses) the scratch database, times every case and EXPLAINs it; drops the database unless `keep`. */
export async function runAdminBench(options: AdminBenchOptions, log: (line: string) => void = () => {}): Promise<AdminBenchReport> {
  const machine = describeMachine();
  try {
    const { now, seedMs } = await prepareDatabase(options, log);
    const recorder = new StatementRecorder();
    // Two connections: a page's queries run at most two at a time (the overview's series and percentiles).
    const handle = createDb(options.databaseUrl, { maxConnections: 2, logger: recorder.logger });
    try {
      const postgres = (await handle.pool.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
      const subjects = await pickSubjects(handle.db, handle.pool, now);
      const cases: CaseResult[] = [];
      const measureCase = async (benchCase: BenchCase) => {
        // The recorded run doubles as the warm-up.
        const statements = await recorder.record(() => benchCase.run(handle.db));
        const timed = await measure(() => benchCase.run(handle.db), options.runs);
        const plan = await explainStatements(handle.pool, statements);
        cases.push({ name: benchCase.name, page: benchCase.page, ...timed, ...plan });
        log(`  ${benchCase.name}: p50 ${timed.p50.toFixed(1)} ms, p95 ${timed.p95.toFixed(1)} ms, EXPLAIN ${plan.executionMs.toFixed(1)} ms, ${plan.topNode}`);
      };
      for (const benchCase of benchCases(subjects)) await measureCase(benchCase);

      const csvStatements = await recorder.record(() => timeCsvExport(handle.db, now));
      const firstLines: number[] = [];
      const totals: number[] = [];
      let lines = 0;
      for (let index = 0; index < options.runs; index += 1) {
        const result = await timeCsvExport(handle.db, now);
        firstLines.push(result.firstLineMs);
        totals.push(result.totalMs);
        lines = result.lines;
      }
      const csv = { firstLine: timing(firstLines), total: timing(totals), lines, plan: await explainStatements(handle.pool, csvStatements) };
      log(`  ${CSV_CASE}: first line p95 ${csv.firstLine.p95.toFixed(1)} ms, total p95 ${csv.total.p95.toFixed(1)} ms (${lines} lines)`);
      return { machine, postgres, rows: options.rows, runs: options.runs, seedMs, cases, csv };
    } finally {
      await handle.close();
    }
  } finally {
    if (!options.keep) await dropDatabase(options.databaseUrl);
  }
}

/** The cases whose p95 reached the limit (the CSV export's total is not a page wait: excepted). */
export function overLimit(report: AdminBenchReport, limitMs: number): string[] {
  const slow = report.cases.filter((result) => result.p95 >= limitMs).map((result) => result.name);
  if (report.csv.firstLine.p95 >= limitMs) slow.push(`${CSV_CASE} (first line)`);
  return slow;
}
