import type { Db } from '@corral/db';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { decodeCursor, encodeCursor, type LogCursor } from './cursor.ts';

export const REQUEST_LOG_MAX_LIMIT = 200;

const cursorText = z.string().transform((text, context) => {
  const cursor = decodeCursor(text);
  if (!cursor) {
    context.addIssue({ code: 'custom', message: 'not a request-log cursor' });
    return z.NEVER;
  }
  return cursor;
});

/** The request log's filters and page, as the page's URL carries them (strings coerced). */
export const RequestLogQuery = z
  .object({
    teamId: z.uuid().optional(),
    keyId: z.uuid().optional(),
    model: z.string().min(1).max(256).optional(),
    status: z.enum(['ok', 'error', 'cancelled']).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    /** Older rows than this cursor (the next page). */
    after: cursorText.optional(),
    /** Newer rows than this cursor (the previous page). */
    before: cursorText.optional(),
    limit: z.coerce.number().int().min(1).max(REQUEST_LOG_MAX_LIMIT).default(50),
  })
  .refine((query) => !(query.after && query.before), { message: 'give `after` or `before`, not both', path: ['before'] });
export type RequestLogQuery = z.input<typeof RequestLogQuery>;
type ParsedQuery = z.output<typeof RequestLogQuery>;

export interface RequestLogRow {
  id: string;
  startedAt: Date;
  teamId: string | null;
  teamName: string | null;
  keyId: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  /** As the caller asked for it. */
  model: string;
  /** The Ollama model that ran. */
  resolvedModel: string;
  endpoint: string;
  status: string;
  httpStatus: number;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  ttftMs: number | null;
  durationMs: number;
  workerId: string | null;
  gpuMs: number | null;
  costUsd: number;
}

export interface RequestLogPage {
  rows: RequestLogRow[];
  /** The next (older) page, when there is one. */
  nextCursor: string | null;
  /** The previous (newer) page, when this page is not the first. */
  previousCursor: string | null;
}

/**
 * One page of usage rows, newest first, by keyset on (started_at, id) — never OFFSET, so the
 * thousandth page costs what the first does. Each filter has an index that yields rows in page order.
 */
export async function requestLog(db: Db, input: RequestLogQuery): Promise<RequestLogPage> {
  const query: ParsedQuery = RequestLogQuery.parse(input);
  const conditions: SQL[] = [];
  if (query.teamId) conditions.push(sql`u.team_id = ${query.teamId}::uuid`);
  if (query.keyId) conditions.push(sql`u.key_id = ${query.keyId}::uuid`);
  if (query.model) conditions.push(sql`u.alias = ${query.model}`);
  if (query.status) conditions.push(sql`u.status = ${query.status}`);
  if (query.from) conditions.push(sql`u.started_at >= ${query.from.toISOString()}::timestamptz`);
  if (query.to) conditions.push(sql`u.started_at < ${query.to.toISOString()}::timestamptz`);
  const backwards = query.before !== undefined;
  const position = query.after ?? query.before;
  if (position) conditions.push(sql`(u.started_at, u.id) ${sql.raw(backwards ? '>' : '<')} (${position.startedAt}::timestamptz, ${position.id}::bigint)`);
  const order = sql.raw(backwards ? 'u.started_at ASC, u.id ASC' : 'u.started_at DESC, u.id DESC');

  // One row more than asked tells whether another page follows in that direction.
  const result = await db.execute(sql`
    SELECT page.*, api_keys.name AS key_name, api_keys.prefix AS key_prefix, teams.name AS team_name FROM (
      SELECT u.id::text AS id, u.started_at, u.started_at::text AS started_at_text, u.team_id, u.key_id, u.alias, u.model, u.endpoint, u.status,
             u.http_status, u.error_code, u.prompt_tokens, u.completion_tokens, u.ttft_ms, u.duration_ms, u.worker_id, u.cost_usd::float8 AS cost_usd,
             CASE WHEN u.load_duration_ns IS NULL AND u.prompt_eval_duration_ns IS NULL AND u.eval_duration_ns IS NULL THEN NULL
                  ELSE (coalesce(u.load_duration_ns, 0) + coalesce(u.prompt_eval_duration_ns, 0) + coalesce(u.eval_duration_ns, 0))::float8 / 1e6 END AS gpu_ms
      FROM usage u ${conditions.length > 0 ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``}
      ORDER BY ${order} LIMIT ${query.limit + 1}
    ) page LEFT JOIN api_keys ON api_keys.id = page.key_id LEFT JOIN teams ON teams.id = page.team_id`);

  const fetched = result.rows as Array<Record<string, unknown>>;
  // The joins may reorder: sort again by the keyset.
  fetched.sort((left, right) => compareKeyset(right, left) * (backwards ? -1 : 1));
  const more = fetched.length > query.limit;
  const page = fetched.slice(0, query.limit);
  if (backwards) page.reverse();
  const cursorOf = (row: Record<string, unknown> | undefined): string | null => (row ? encodeCursor(keysetOf(row)) : null);
  return {
    rows: page.map(toLogRow),
    nextCursor: backwards || more ? cursorOf(page.at(-1)) : null,
    previousCursor: backwards ? (more ? cursorOf(page[0]) : null) : position ? cursorOf(page[0]) : null,
  };
}

function keysetOf(row: Record<string, unknown>): LogCursor {
  return { startedAt: row.started_at_text as string, id: row.id as string };
}

function compareKeyset(left: Record<string, unknown>, right: Record<string, unknown>): number {
  const time = new Date(left.started_at as string).getTime() - new Date(right.started_at as string).getTime();
  if (time !== 0) return time;
  // Same millisecond: the text keeps the microseconds; then the id (as bigint: ids outgrow numbers' precision far later, but strings compare wrongly).
  if (left.started_at_text !== right.started_at_text) return (left.started_at_text as string) < (right.started_at_text as string) ? -1 : 1;
  const difference = BigInt(left.id as string) - BigInt(right.id as string);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

function toLogRow(row: Record<string, unknown>): RequestLogRow {
  const nullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    id: row.id as string,
    startedAt: new Date(row.started_at as string),
    teamId: (row.team_id as string | null) ?? null,
    teamName: (row.team_name as string | null) ?? null,
    keyId: (row.key_id as string | null) ?? null,
    keyName: (row.key_name as string | null) ?? null,
    keyPrefix: (row.key_prefix as string | null) ?? null,
    model: row.alias as string,
    resolvedModel: row.model as string,
    endpoint: row.endpoint as string,
    status: row.status as string,
    httpStatus: Number(row.http_status),
    errorCode: (row.error_code as string | null) ?? null,
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    ttftMs: nullableNumber(row.ttft_ms),
    durationMs: Number(row.duration_ms),
    workerId: (row.worker_id as string | null) ?? null,
    gpuMs: nullableNumber(row.gpu_ms),
    costUsd: Number(row.cost_usd),
  };
}
