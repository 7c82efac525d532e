import { usage, type Db } from '@corral/db';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

/** The database or a transaction on it. */
type Executor = Pick<Db, 'execute'>;

/** One row of the usage table as ingestion writes it (timestamps as ISO text, cost as numeric text). */
export interface UsageRow {
  requestId: string;
  keyId: string | null;
  teamId: string | null;
  alias: string;
  model: string;
  endpoint: string;
  stream: boolean;
  status: string;
  httpStatus: number;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  ttftMs: number | null;
  durationMs: number;
  loadDurationNs: number | null;
  promptEvalDurationNs: number | null;
  evalDurationNs: number | null;
  workerId: string | null;
  startedAt: string;
  finishedAt: string;
  costUsd: string;
}

/** The columns written, in order, with the Postgres type each array is read as. */
const COLUMNS: ReadonlyArray<readonly [keyof UsageRow, string]> = [
  ['requestId', 'text'],
  ['keyId', 'uuid'],
  ['teamId', 'uuid'],
  ['alias', 'text'],
  ['model', 'text'],
  ['endpoint', 'text'],
  ['stream', 'boolean'],
  ['status', 'text'],
  ['httpStatus', 'integer'],
  ['errorCode', 'text'],
  ['promptTokens', 'integer'],
  ['completionTokens', 'integer'],
  ['ttftMs', 'double precision'],
  ['durationMs', 'double precision'],
  ['loadDurationNs', 'bigint'],
  ['promptEvalDurationNs', 'bigint'],
  ['evalDurationNs', 'bigint'],
  ['workerId', 'text'],
  ['startedAt', 'timestamptz'],
  ['finishedAt', 'timestamptz'],
  ['costUsd', 'numeric'],
];

/** Column names as the schema spells them (the table's own definition, not a second copy). */
const columnNames = new Map(Object.entries(usage).flatMap(([key, column]) => (column && typeof column === 'object' && 'name' in column && typeof column.name === 'string' ? [[key, column.name] as const] : [])));
const tableName = getTableConfig(usage).name;

/**
 * Inserts usage rows as one column array per field (`INSERT … SELECT FROM unnest(…)`), skipping
 * request ids already stored, and returns the ids really inserted. A batch of 200 rows is one
 * statement with 21 parameters instead of 4 200: building and sending the row-by-row statement was
 * most of accounting's CPU while a batch's lines were stored.
 */
export async function insertUsageRows(transaction: Executor, rows: readonly UsageRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const names = sql.raw(COLUMNS.map(([key]) => `"${columnName(key)}"`).join(', '));
  const arrays = sql.join(
    COLUMNS.map(([key, type]) => sql`${sql.param(rows.map((row) => row[key]))}::${sql.raw(type)}[]`),
    sql`, `,
  );
  const result = await transaction.execute<{ request_id: string }>(
    sql`INSERT INTO ${sql.identifier(tableName)} (${names}) SELECT * FROM unnest(${arrays}) ON CONFLICT (${sql.raw(`"${columnName('requestId')}"`)}) DO NOTHING RETURNING ${sql.raw(`"${columnName('requestId')}"`)} AS request_id`,
  );
  return new Set(result.rows.map((row) => row.request_id));
}

function columnName(key: keyof UsageRow): string {
  const name = columnNames.get(key);
  if (!name) throw new Error(`the usage table has no column for ${key}`);
  return name;
}
