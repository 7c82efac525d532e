import { LATENCY_BUCKET_BOUNDS } from '@corral/db';
import type pg from 'pg';

export interface SeedOptions {
  rows: number;
  days: number;
  keys: number;
  models: number;
  teams: number;
  /** Seed into a database that already has usage of its own (its rollups are rebuilt too). */
  force?: boolean;
  /** The newest request's time. Default: now. */
  now?: Date;
  /** Told about each step, for the command's output. */
  onStep?: (step: string, milliseconds: number) => void;
}

export class SeedRefused extends Error {
  override readonly name = 'SeedRefused';
}

/** Seeded rows are recognisable by their request id, teams and keys by their name. */
export const SEED_PREFIX = 'seed-';

const COUNT_SPACE = 2 ** 32;
const BOUNDS = `'{${LATENCY_BUCKET_BOUNDS.map(String).join(',')}}'::float8[]`;

/**
 * Writes synthetic usage straight into Postgres — teams, keys, model aliases with prices, `rows`
 * usage rows over the last `days` with skewed keys and models, realistic latencies and GPU
 * durations — then rebuilds every rollup from the usage rows with INSERT … SELECT … GROUP BY.
 * The indexes of usage and of the rollups are dropped during the bulk inserts and rebuilt after
 * (much faster than maintaining them row by row). Runs on one connection, in one transaction;
 * deterministic for one `now`.
 */
export async function seedUsage(client: pg.ClientBase, options: SeedOptions): Promise<void> {
  const step = async (name: string, run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    options.onStep?.(name, performance.now() - started);
  };
  await client.query('BEGIN');
  try {
    await seedInTransaction(client, options, step);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  await step('analyze', async () => {
    await client.query('ANALYZE usage, api_keys, teams');
    // Vacuumed too (they are small next to usage): the visibility map lets range queries read the
    // covering indexes alone, as they do once autovacuum has passed.
    await client.query('VACUUM (ANALYZE) usage_hourly, usage_daily, usage_team_hourly, usage_team_daily');
  });
}

async function seedInTransaction(client: pg.ClientBase, options: SeedOptions, step: (name: string, run: () => Promise<unknown>) => Promise<void>): Promise<void> {
  const real = await client.query<{ present: boolean }>(`SELECT EXISTS (SELECT 1 FROM usage WHERE request_id NOT LIKE '${SEED_PREFIX}%') AS present`);
  if (real.rows[0]?.present && !options.force) throw new SeedRefused('this database already has real usage; pass --force to add seeded usage to it (its rollups are rebuilt)');

  // One long transaction: nothing waits for its WAL flush, and sorts and index builds get room.
  await client.query('SET LOCAL synchronous_commit = off');
  await client.query(`SET LOCAL work_mem = '512MB'`);
  await client.query(`SET LOCAL maintenance_work_mem = '1GB'`);
  const now = (options.now ?? new Date()).toISOString();

  await step('clear earlier seed', async () => {
    // Only seeded rows: TRUNCATE leaves no dead tuples behind for the indexes and rollups to wade through.
    if (real.rows[0]?.present) await client.query(`DELETE FROM usage WHERE request_id LIKE '${SEED_PREFIX}%'`);
    else await client.query('TRUNCATE usage');
    await client.query(`DELETE FROM api_keys WHERE name LIKE '${SEED_PREFIX}%'`);
    await client.query(`DELETE FROM teams WHERE name LIKE '${SEED_PREFIX}%'`);
    await client.query(`DELETE FROM models WHERE alias LIKE '${SEED_PREFIX}%'`);
  });

  await step('teams, keys, models', async () => {
    await client.query(`INSERT INTO teams (name, monthly_budget_usd) SELECT '${SEED_PREFIX}team-' || lpad(g::text, 3, '0'), 1000 FROM generate_series(1, $1::int) g`, [options.teams]);
    // Every tenth key has no team (keys made before teams existed).
    await client.query(
      `INSERT INTO api_keys (name, prefix, key_hash, team_id, created_at)
       SELECT '${SEED_PREFIX}key-' || lpad(g::text, 4, '0'), 'sk-' || substr(md5(g::text), 1, 6), md5('${SEED_PREFIX}' || g::text || random()::text) || md5(g::text),
              CASE WHEN g % 10 = 0 THEN NULL ELSE (SELECT id FROM teams WHERE name = '${SEED_PREFIX}team-' || lpad((1 + g % $2::int)::text, 3, '0')) END,
              $3::timestamptz - interval '120 days'
       FROM generate_series(1, $1::int) g`,
      [options.keys, options.teams, now],
    );
    await client.query(
      `INSERT INTO models (alias, target, input_price_per_mtok, output_price_per_mtok)
       SELECT '${SEED_PREFIX}model-' || lpad(g::text, 2, '0'), 'seed-model-' || g || ':latest', 0.05 * g, 0.2 * g FROM generate_series(1, $1::int) g`,
      [options.models],
    );
  });

  const dropped = await dropIndexes(client, 'usage');

  await step(`${options.rows} usage rows`, async () => {
    await client.query('SELECT setseed(0.42)');
    await client.query(`CREATE TEMP TABLE seed_keys AS SELECT row_number() OVER (ORDER BY name) - 1 AS position, id, team_id FROM api_keys WHERE name LIKE '${SEED_PREFIX}%'`);
    await client.query(
      `CREATE TEMP TABLE seed_models AS SELECT row_number() OVER (ORDER BY alias) - 1 AS position, alias, target, input_price_per_mtok, output_price_per_mtok FROM models WHERE alias LIKE '${SEED_PREFIX}%'`,
    );
    // Request g starts at an even spread over the range (so the table is in time order, like real
    // ingestion); keys and models are skewed (a few busy ones, a long tail); latencies log-normal.
    await client.query(
      `INSERT INTO usage (request_id, key_id, team_id, alias, model, endpoint, stream, status, http_status, error_code, prompt_tokens, completion_tokens,
                          ttft_ms, duration_ms, load_duration_ns, prompt_eval_duration_ns, eval_duration_ns, worker_id, started_at, finished_at, cost_usd)
       SELECT '${SEED_PREFIX}' || g, k.id, k.team_id, m.alias, m.target, r.endpoint, r.stream, r.status, r.http_status, r.error_code, r.prompt, r.completion,
              CASE WHEN r.status = 'error' THEN NULL ELSE r.ttft END, r.duration,
              CASE WHEN r.cold THEN (1e9 + r.u1 * 2e9)::bigint END, r.prompt::bigint * 150000, r.completion::bigint * 18000000,
              'worker-' || (1 + g % 8), r.started, r.started + r.duration * interval '1 millisecond',
              (r.prompt * coalesce(m.input_price_per_mtok, 0) + r.completion * coalesce(m.output_price_per_mtok, 0)) / 1000000
       FROM generate_series(1, $1::bigint) g
       -- The reference to g makes the subquery correlated: uncorrelated, Postgres would draw the numbers once.
       CROSS JOIN LATERAL (SELECT random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5 WHERE g IS NOT NULL) u
       CROSS JOIN LATERAL (
         SELECT date_trunc('milliseconds', $3::timestamptz - ($2::float8 * 86400 * (1 - g::float8 / $1::float8)) * interval '1 second') AS started,
                CASE WHEN u.u3 < 0.02 THEN 'error' WHEN u.u3 < 0.03 THEN 'cancelled' ELSE 'ok' END AS status,
                CASE WHEN u.u3 < 0.02 THEN 502 ELSE 200 END AS http_status,
                CASE WHEN u.u3 < 0.02 THEN 'upstream_error' END AS error_code,
                CASE WHEN u.u4 < 0.8 THEN '/v1/chat/completions' WHEN u.u4 < 0.9 THEN '/v1/messages' ELSE '/v1/embeddings' END AS endpoint,
                u.u4 < 0.7 AS stream,
                (20 + floor(u.u1 * u.u1 * 4000))::int AS prompt,
                (5 + floor(u.u2 * 900))::int AS completion,
                u.u5 < 0.03 AS cold,
                -- Box–Muller: a normal deviate from two uniforms, for a log-normal TTFT around 180 ms.
                exp(ln(180) + 0.7 * sqrt(-2 * ln(greatest(u.u1, 1e-12))) * cos(2 * pi() * u.u5)) AS ttft,
                u.u1, u.u2
       ) r0
       CROSS JOIN LATERAL (SELECT r0.*, r0.ttft + r0.completion * (8 + 30 * u.u2) + CASE WHEN r0.cold THEN 1000 + r0.u1 * 2000 ELSE 0 END AS duration) r
       JOIN seed_keys k ON k.position = floor(power(u.u4, 2.5) * $4::int)
       JOIN seed_models m ON m.position = floor(power(u.u2, 1.8) * $5::int)`,
      [options.rows, options.days, now, options.keys, options.models],
    );
  });

  await step('usage indexes', () => restoreIndexes(client, 'usage', dropped));
  await step('rollups', () => rebuildRollups(client, step));
  await client.query('DROP TABLE seed_keys, seed_models');
}

interface DroppedIndexes {
  indexes: string[];
  constraints: Array<{ name: string; definition: string }>;
}

/**
 * Every index of a table, primary key and unique constraints included (kept as their definitions):
 * building a btree once over the loaded rows is far faster than maintaining it row by row.
 */
async function dropIndexes(client: pg.ClientBase, table: string): Promise<DroppedIndexes> {
  const constraints = await client.query<{ name: string; definition: string }>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u')`,
    [table],
  );
  const indexes = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
     WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [table],
  );
  for (const constraint of constraints.rows) await client.query(`ALTER TABLE ${table} DROP CONSTRAINT "${constraint.name}"`);
  for (const index of indexes.rows) await client.query(`DROP INDEX ${index.name}`);
  return { indexes: indexes.rows.map((row) => row.definition), constraints: constraints.rows };
}

async function restoreIndexes(client: pg.ClientBase, table: string, dropped: DroppedIndexes): Promise<void> {
  for (const constraint of dropped.constraints) await client.query(`ALTER TABLE ${table} ADD CONSTRAINT "${constraint.name}" ${constraint.definition}`);
  for (const definition of dropped.indexes) await client.query(definition);
}

/**
 * Every rollup from the usage rows, totals and latency histograms in the same pass: per rollup, one
 * statement counts the rows per group × latency kind × bucket (a row counts once per kind, its
 * totals carried on its duration entry, which every row has), then folds each group's entries into
 * its totals and packed histograms. Joining totals to separately counted buckets, as this once did,
 * cost most of the seed.
 */
async function rebuildRollups(client: pg.ClientBase, step: (name: string, run: () => Promise<unknown>) => Promise<void>): Promise<void> {
  const tables = ['usage_hourly', 'usage_daily', 'usage_team_hourly', 'usage_team_daily'];
  await client.query(`TRUNCATE ${tables.join(', ')}`);
  const dropped: DroppedIndexes[] = [];
  for (const table of tables) dropped.push(await dropIndexes(client, table));

  const rollup = async (table: string, period: 'hour' | 'day', level: 'key' | 'team') => {
    const dimensions = level === 'key' ? 'key_id, team_id, model' : 'team_id';
    const source = level === 'key' ? 'key_id, team_id, alias AS model' : 'team_id';
    const width = level === 'key' ? 3 : 1;
    const positions = (count: number) => Array.from({ length: count }, (_, index) => index + 1).join(', ');
    const onDuration = (aggregate: string) => `${aggregate} FILTER (WHERE v.kind = 1)`;
    // array_agg takes its input in the sorted subquery's order (the GROUP BY below it sorts by the
    // same columns, so the ORDER BY costs nothing), and each histogram comes out sorted by bucket
    // without an ORDER BY inside the aggregate, which would sort every group on its own.
    const histogram = (kind: number) => `coalesce(array_agg(bucket::bigint * ${COUNT_SPACE} + count) FILTER (WHERE kind = ${kind}), '{}')`;
    await step(table, () =>
      client.query(`INSERT INTO ${table} (${dimensions}, bucket_start, requests, errors, prompt_tokens, completion_tokens, cost_usd, gpu_ns, duration_ms_sum, ttft_ms_sum, ttft_histogram, duration_histogram)
        SELECT ${dimensions}, bucket_start, sum(requests), sum(errors), sum(prompt_tokens), sum(completion_tokens), sum(cost_usd), sum(gpu_ns), sum(duration_ms_sum),
               coalesce(sum(ttft_ms_sum), 0), ${histogram(0)}, ${histogram(1)}
        FROM (
          -- kind 0 = TTFT (null for failed requests: no entry), 1 = duration.
          SELECT ${source}, date_trunc('${period}', started_at, 'UTC') AS bucket_start, v.kind, v.bucket, count(*) AS count,
                 ${onDuration('count(*)')} AS requests, count(*) FILTER (WHERE v.kind = 1 AND status = 'error') AS errors,
                 ${onDuration('sum(prompt_tokens)')} AS prompt_tokens, ${onDuration('sum(completion_tokens)')} AS completion_tokens, ${onDuration('sum(cost_usd)')} AS cost_usd,
                 ${onDuration('sum(coalesce(load_duration_ns, 0) + coalesce(prompt_eval_duration_ns, 0) + coalesce(eval_duration_ns, 0))')} AS gpu_ns,
                 ${onDuration('sum(duration_ms)')} AS duration_ms_sum, ${onDuration('sum(ttft_ms)')} AS ttft_ms_sum
          FROM usage CROSS JOIN LATERAL (VALUES (0, width_bucket(ttft_ms, ${BOUNDS})), (1, width_bucket(duration_ms, ${BOUNDS}))) AS v (kind, bucket)
          WHERE v.bucket IS NOT NULL
          -- By position: usage has a column named model too (the resolved one), which GROUP BY model would mean.
          GROUP BY ${positions(width + 3)} ORDER BY ${positions(width + 3)}
        ) entries GROUP BY ${positions(width + 1)}`),
    );
  };
  await rollup('usage_hourly', 'hour', 'key');
  await rollup('usage_daily', 'day', 'key');
  await rollup('usage_team_hourly', 'hour', 'team');
  await rollup('usage_team_daily', 'day', 'team');
  await step('rollup indexes', async () => {
    for (const [index, table] of tables.entries()) await restoreIndexes(client, table, dropped[index]!);
  });
}
