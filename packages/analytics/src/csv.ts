import type { Db } from '@corral/db';
import { usageBreakdownChunks, type BreakdownRow, type UsageBreakdownQuery } from './breakdown.ts';

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF. A cell that a spreadsheet
 * would run as a formula (starting with = + - @, or a tab or CR) gets a leading apostrophe first:
 * names come from whoever created a key or a model alias.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: Array<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export const USAGE_CSV_HEADER = ['period', 'group_id', 'group', 'requests', 'errors', 'prompt_tokens', 'completion_tokens', 'cost_usd', 'gpu_seconds'];

function rowCells(row: BreakdownRow): Array<string | number | null> {
  return [row.period.toISOString(), row.groupId, row.groupName, row.requests, row.errors, row.promptTokens, row.completionTokens, row.costUsd, row.gpuSeconds];
}

/** The usage breakdown as CSV lines (CRLF-terminated), read from the database a week of buckets at a time. */
export async function* usageCsv(db: Db, query: UsageBreakdownQuery): AsyncGenerator<string> {
  yield csvLine(USAGE_CSV_HEADER);
  for await (const rows of usageBreakdownChunks(db, query)) {
    for (const row of rows) yield csvLine(rowCells(row));
  }
}
