import { apiKeys, teams, type Db } from '@corral/db';
import { and, asc, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { TIMESTAMP_TEXT, UUID_TEXT, decodeKeyset, encodeKeyset } from '../cursor.ts';
import { PAGE_SIZE, likePattern, type ListPage } from './paging.ts';

export interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  models: string[];
  rpm: number | null;
  tpm: number | null;
  budgetUsd: number | null;
  spentUsd: number;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  teamId: string | null;
  teamName: string | null;
}

export const KeyStatusFilter = { All: 'all', Active: 'active', Revoked: 'revoked' } as const;
export type KeyStatusFilter = (typeof KeyStatusFilter)[keyof typeof KeyStatusFilter];

export interface ListKeysOptions {
  /** Matches the name or the visible prefix, literally. */
  search?: string;
  teamId?: string;
  status?: KeyStatusFilter;
  /** The `next` of the page before; one this module did not make reads as the first page. */
  after?: string;
}

const columns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  models: apiKeys.models,
  rpm: apiKeys.rpm,
  tpm: apiKeys.tpm,
  budgetUsd: apiKeys.budgetUsd,
  spentUsd: apiKeys.spentUsd,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
  teamId: apiKeys.teamId,
  teamName: teams.name,
  /** created_at to the microsecond (a JS Date keeps milliseconds only, and the cursor must not skip rows). */
  cursorTime: sql<string>`${apiKeys.createdAt}::text`,
};

function toKeyRow({ cursorTime: _cursorTime, ...row }: { budgetUsd: string | null; spentUsd: string; cursorTime: string } & Omit<KeyRow, 'budgetUsd' | 'spentUsd'>): KeyRow {
  return { ...row, budgetUsd: row.budgetUsd === null ? null : Number(row.budgetUsd), spentUsd: Number(row.spentUsd) };
}

/**
 * Keys newest first, keyset-paged on (created_at, id) so page 400 of 10 000 keys costs what page 1
 * does (api_keys_created_at_idx).
 */
export async function listKeys(db: Db, options: ListKeysOptions): Promise<ListPage<KeyRow>> {
  const after = options.after === undefined ? undefined : decodeKeyset(options.after, [TIMESTAMP_TEXT, UUID_TEXT]);
  const conditions: (SQL | undefined)[] = [
    options.search ? or(ilike(apiKeys.name, likePattern(options.search)), ilike(apiKeys.prefix, likePattern(options.search))) : undefined,
    options.teamId ? eq(apiKeys.teamId, options.teamId) : undefined,
    options.status === KeyStatusFilter.Active ? isNull(apiKeys.revokedAt) : options.status === KeyStatusFilter.Revoked ? isNotNull(apiKeys.revokedAt) : undefined,
    after ? sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
  ];
  const rows = await db
    .select(columns)
    .from(apiKeys)
    .leftJoin(teams, eq(teams.id, apiKeys.teamId))
    .where(and(...conditions))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return { rows: page.map(toKeyRow), next: rows.length > PAGE_SIZE && last ? encodeKeyset([last.cursorTime, last.id]) : undefined };
}

export async function findKey(db: Db, id: string): Promise<KeyRow | undefined> {
  const [row] = await db.select(columns).from(apiKeys).leftJoin(teams, eq(teams.id, apiKeys.teamId)).where(eq(apiKeys.id, id)).limit(1);
  return row ? toKeyRow(row) : undefined;
}

/** Keys offered in the request log's key picker; with more, pick a team first (or follow a key page's link). */
export const KEY_CHOICES_LIMIT = 300;

/**
 * The key picker's options: the team's keys when one is chosen, else the first keys by name, and
 * always the key already in the URL so the form shows what the page is filtered by.
 */
export async function keyChoices(db: Db, options: { teamId?: string; selectedKeyId?: string }): Promise<{ value: string; label: string }[]> {
  const choiceColumns = { id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix };
  const rows = await db
    .select(choiceColumns)
    .from(apiKeys)
    .where(options.teamId ? (options.selectedKeyId ? or(eq(apiKeys.teamId, options.teamId), eq(apiKeys.id, options.selectedKeyId)) : eq(apiKeys.teamId, options.teamId)) : undefined)
    .orderBy(asc(apiKeys.name), asc(apiKeys.id))
    .limit(KEY_CHOICES_LIMIT);
  if (options.selectedKeyId && !rows.some((row) => row.id === options.selectedKeyId)) {
    const [selected] = await db.select(choiceColumns).from(apiKeys).where(eq(apiKeys.id, options.selectedKeyId)).limit(1);
    if (selected) rows.unshift(selected);
  }
  return rows.map((row) => ({ value: row.id, label: `${row.name} (${row.prefix})` }));
}
