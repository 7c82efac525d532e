import { apiKeys, usageHourly } from '@corral/db';
import { UsageGroup, replyOk, type UsageSummaryRow } from '@corral/protocol';
import { and, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Handler } from '../serve.ts';

const total = (column: AnyPgColumn) => sql<number>`coalesce(sum(${column}), 0)::float8`;

/** Totals from the hourly rollup, grouped as asked; within a period, the largest cost first. */
export const usageSummary: Handler<'usage.summary'> = async (context, request) => {
  const groups = new Set(request.groupBy);
  const periodUnit = groups.has(UsageGroup.Hour) ? 'hour' : groups.has(UsageGroup.Day) ? 'day' : undefined;
  // Inlined (the unit is one of two constants): GROUP BY must see the very same expression as SELECT, and two bind parameters are not.
  const period = periodUnit
    ? sql<string>`to_char(date_trunc('${sql.raw(periodUnit)}', ${usageHourly.bucketStart}, 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`
    : undefined;

  const filters: SQL[] = [];
  if (request.from) filters.push(gte(usageHourly.bucketStart, new Date(request.from)));
  if (request.to) filters.push(lt(usageHourly.bucketStart, new Date(request.to)));
  if (request.keyId) filters.push(eq(usageHourly.keyId, request.keyId));
  if (request.model) filters.push(eq(usageHourly.model, request.model));

  const costUsd = total(usageHourly.costUsd);
  const selection = {
    ...(groups.has(UsageGroup.Key) ? { keyId: usageHourly.keyId, keyName: apiKeys.name } : {}),
    ...(groups.has(UsageGroup.Model) ? { model: usageHourly.model } : {}),
    ...(period ? { period } : {}),
    requests: total(usageHourly.requests),
    errors: total(usageHourly.errors),
    promptTokens: total(usageHourly.promptTokens),
    completionTokens: total(usageHourly.completionTokens),
    costUsd,
  };
  const groupColumns = [
    ...(groups.has(UsageGroup.Key) ? [usageHourly.keyId, apiKeys.name] : []),
    ...(groups.has(UsageGroup.Model) ? [usageHourly.model] : []),
    ...(period ? [period] : []),
  ];

  const rows = (await context.db
    .select(selection)
    .from(usageHourly)
    .leftJoin(apiKeys, eq(apiKeys.id, usageHourly.keyId))
    .where(filters.length > 0 ? and(...filters) : undefined)
    .groupBy(...groupColumns)
    .orderBy(...(period ? [period] : []), desc(costUsd))) as Array<Record<string, unknown>>;

  return replyOk(rows.map(toSummaryRow));
};

function toSummaryRow(row: Record<string, unknown>): UsageSummaryRow {
  return {
    ...('keyId' in row ? { keyId: row.keyId as string | null, keyName: row.keyName as string | null } : {}),
    ...('model' in row ? { model: row.model as string } : {}),
    ...('period' in row ? { period: row.period as string } : {}),
    requests: Number(row.requests),
    errors: Number(row.errors),
    promptTokens: Number(row.promptTokens),
    completionTokens: Number(row.completionTokens),
    // Sums of numeric(20,10) as float8: round away the binary noise.
    costUsd: Math.round(Number(row.costUsd) * 1e10) / 1e10,
  };
}
