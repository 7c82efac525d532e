import 'server-only';
import { apiKeys } from '@corral/db';
import { asc, eq, or } from 'drizzle-orm';
import { db } from '@/lib/db.ts';

/** Keys offered in the picker; with more, pick a team first (or follow a key page's link). */
export const KEY_CHOICES_LIMIT = 300;

/**
 * The key picker's options: the team's keys when one is chosen, else the first keys by name, and
 * always the key already in the URL so the form shows what the page is filtered by.
 */
export async function keyChoices(options: { teamId?: string; selectedKeyId?: string }): Promise<{ value: string; label: string }[]> {
  const rows = await db()
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(options.teamId ? (options.selectedKeyId ? or(eq(apiKeys.teamId, options.teamId), eq(apiKeys.id, options.selectedKeyId)) : eq(apiKeys.teamId, options.teamId)) : undefined)
    .orderBy(asc(apiKeys.name), asc(apiKeys.id))
    .limit(KEY_CHOICES_LIMIT);
  if (options.selectedKeyId && !rows.some((row) => row.id === options.selectedKeyId)) {
    const [selected] = await db().select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix }).from(apiKeys).where(eq(apiKeys.id, options.selectedKeyId)).limit(1);
    if (selected) rows.unshift(selected);
  }
  return rows.map((row) => ({ value: row.id, label: `${row.name} (${row.prefix})` }));
}
