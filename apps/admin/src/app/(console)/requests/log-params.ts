import type { RequestLogQuery } from '@corral/analytics';
import { RequestLogQuery as RequestLogSchema } from '@corral/analytics';

/** The request log's URL params (short names a person can type) and the query's field names. */
export const LOG_PARAMS = { team: 'teamId', key: 'keyId', model: 'model', status: 'status', from: 'from', to: 'to', after: 'after', before: 'before' } as const;
export type LogParams = Partial<Record<keyof typeof LOG_PARAMS, string>>;

const FIELD_TO_PARAM = Object.fromEntries(Object.entries(LOG_PARAMS).map(([name, field]) => [field, name]));
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** A datetime-local value ("2025-03-07T14:30") is read as UTC, like every time on these pages. */
export function utcInstant(text: string): string {
  return LOCAL_DATE_TIME.test(text) ? `${text}Z` : text;
}

export type ParsedLogParams = { ok: true; query: RequestLogQuery } | { ok: false; message: string };

/** The URL's filters checked by the query's own schema; problems named by the URL's param names. */
export function parseLogParams(params: LogParams, limit: number): ParsedLogParams {
  for (const name of ['from', 'to'] as const) {
    const text = params[name];
    if (text && Number.isNaN(new Date(utcInstant(text)).getTime())) return { ok: false, message: `\`${name}\` must be a date and time (YYYY-MM-DDTHH:MM, UTC), not "${text.slice(0, 40)}"` };
  }
  const input: RequestLogQuery = {
    teamId: params.team,
    keyId: params.key,
    model: params.model,
    status: params.status as RequestLogQuery['status'],
    from: params.from ? utcInstant(params.from) : undefined,
    to: params.to ? utcInstant(params.to) : undefined,
    after: params.after,
    before: params.before,
    limit,
  } as RequestLogQuery;
  const parsed = RequestLogSchema.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues.map((issue) => `${FIELD_TO_PARAM[String(issue.path[0])] ?? String(issue.path[0] ?? 'query')}: ${issue.message}`).join('; ');
    return { ok: false, message };
  }
  if (parsed.data.from && parsed.data.to && parsed.data.from.getTime() >= parsed.data.to.getTime()) return { ok: false, message: '`from` must be before `to`' };
  return { ok: true, query: input };
}
