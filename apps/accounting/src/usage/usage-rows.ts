import { usage, type Db } from '@corral/db';
import { getTableColumns, getTableName, sql } from 'drizzle-orm';

/** The database or a transaction on it. */
type Executor = Pick<Db, 'execute'>;

type Inserted = typeof usage.$inferInsert;

/**
 * One row of the usage table as ingestion writes it: every column but the ones Postgres fills in
 * (`id`, `inserted_at`), none left out, timestamps as ISO text.
 */
export type UsageRow = Required<Omit<Inserted, 'id' | 'insertedAt' | 'startedAt' | 'finishedAt'>> & { startedAt: string; finishedAt: string };

/** The columns written, each with the schema's own name and SQL type (an array of it is what unnest reads). */
const WRITTEN = Object.entries(getTableColumns(usage))
  .filter(([key]) => key !== 'id' && key !== 'insertedAt')
  .map(([key, column]) => ({ key: key as keyof UsageRow, name: column.name, type: column.getSQLType() }));

const TABLE = sql.identifier(getTableName(usage));
const NAMES = sql.join(WRITTEN.map(({ name }) => sql.identifier(name)), sql`, `);
const REQUEST_ID = sql.identifier(usage.requestId.name);

/**
 * Inserts usage rows as one column array per field (`INSERT … SELECT FROM unnest(…)`), skipping
 * request ids already stored, and returns the ids really inserted. A batch of 200 rows is one
 * statement with 21 parameters instead of 4 200: building and sending the row-by-row statement was
 * most of accounting's CPU while a batch's lines were stored.
 */
export async function insertUsageRows(transaction: Executor, rows: readonly UsageRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const arrays = sql.join(
    WRITTEN.map(({ key, type }) => sql`${sql.param(rows.map((row) => row[key]))}::${sql.raw(type)}[]`),
    sql`, `,
  );
  const result = await transaction.execute<{ request_id: string }>(
    sql`INSERT INTO ${TABLE} (${NAMES}) SELECT * FROM unnest(${arrays}) ON CONFLICT (${REQUEST_ID}) DO NOTHING RETURNING ${REQUEST_ID} AS request_id`,
  );
  return new Set(result.rows.map((row) => row.request_id));
}
