import { BreakdownGroup, Granularity, UsageBreakdownQuery } from '@corral/analytics';
import { z } from 'zod';

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What the usage form shows: its fields as the URL carries them (days are UTC, `to` inclusive). */
export interface UsageForm {
  from: string;
  to: string;
  group: BreakdownGroup;
  granularity: Granularity;
}

export type UsageQueryResult = { ok: true; form: UsageForm; query: UsageBreakdownQuery } | { ok: false; form: UsageForm; message: string };

const Fields = z.object({
  group: z.enum([BreakdownGroup.Team, BreakdownGroup.Key, BreakdownGroup.Model], { error: '`group` is team, key or model' }).default(BreakdownGroup.Model),
  granularity: z.enum([Granularity.Day, Granularity.Hour], { error: '`granularity` is day or hour' }).default(Granularity.Day),
});

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

function parseDay(name: string, text: string): Date | string {
  const date = new Date(`${text}T00:00:00Z`);
  if (!DATE.test(text) || Number.isNaN(date.getTime()) || dayOf(date) !== text) return `\`${name}\` must be a date (YYYY-MM-DD), not "${text.slice(0, 40)}"`;
  return date;
}

/**
 * The usage page's (and its CSV export's) search params as a breakdown query: whole UTC days from
 * `from` through `to`. Missing values get defaults (the last 30 days, or the last 2 for hourly);
 * anything wrong comes back as one sentence for the page or a 400, never an exception.
 */
export function parseUsageQuery(params: Record<string, string | undefined>, now: Date = new Date()): UsageQueryResult {
  const fields = Fields.safeParse({ group: params.group || undefined, granularity: params.granularity || undefined });
  const group = fields.success ? fields.data.group : BreakdownGroup.Model;
  const granularity = fields.success ? fields.data.granularity : Granularity.Day;
  const defaultSpan = granularity === Granularity.Hour ? 1 : 29;
  const toText = params.to || dayOf(now);
  const toDay = parseDay('to', toText);
  const fromText = params.from || (toDay instanceof Date ? dayOf(new Date(toDay.getTime() - defaultSpan * DAY_MS)) : dayOf(new Date(now.getTime() - defaultSpan * DAY_MS)));
  const fromDay = parseDay('from', fromText);
  const form: UsageForm = { from: fromText, to: toText, group, granularity };

  if (!fields.success) return { ok: false, form, message: fields.error.issues.map((issue) => issue.message).join('; ') };
  if (typeof fromDay === 'string') return { ok: false, form, message: fromDay };
  if (typeof toDay === 'string') return { ok: false, form, message: toDay };
  if (fromDay.getTime() > toDay.getTime()) return { ok: false, form, message: `\`from\` (${fromText}) is after \`to\` (${toText})` };

  const parsed = UsageBreakdownQuery.safeParse({ from: fromDay, to: new Date(toDay.getTime() + DAY_MS), groupBy: group, granularity });
  if (!parsed.success) return { ok: false, form, message: parsed.error.issues.map((issue) => issue.message).join('; ') };
  return { ok: true, form, query: parsed.data };
}

/** The search params of a usage form (for links: the CSV export, switching a field). */
export function usageSearch(form: UsageForm, changes: Partial<UsageForm> = {}): string {
  return new URLSearchParams({ ...form, ...changes }).toString();
}

/** The CSV download's file name, e.g. corral-usage-model-daily-2025-03-01-2025-03-30.csv. */
export function usageCsvFileName(form: UsageForm): string {
  return `corral-usage-${form.group}-${form.granularity === Granularity.Hour ? 'hourly' : 'daily'}-${form.from}-${form.to}.csv`;
}
