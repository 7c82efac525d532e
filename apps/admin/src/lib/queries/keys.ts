import 'server-only';
import { apiKeys, teams } from '@corral/db';
import { and, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { db } from '../db.ts';
import { PAGE_SIZE, decodeCursor, encodeCursor, likePattern } from '../paging.ts';

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
 * does (api_keys_created_at_idx). Search matches the name or the visible prefix.
 */
export async function listKeys(options: { search?: string; teamId?: string; status?: KeyStatusFilter; after?: string }): Promise<{ rows: KeyRow[]; next?: string }> {
  const after = decodeCursor(options.after, 2);
  const conditions: (SQL | undefined)[] = [
    options.search ? or(ilike(apiKeys.name, likePattern(options.search)), ilike(apiKeys.prefix, likePattern(options.search))) : undefined,
    options.teamId ? eq(apiKeys.teamId, options.teamId) : undefined,
    options.status === KeyStatusFilter.Active ? isNull(apiKeys.revokedAt) : options.status === KeyStatusFilter.Revoked ? isNotNull(apiKeys.revokedAt) : undefined,
    after ? sql`(${apiKeys.createdAt}, ${apiKeys.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
  ];
  const rows = await db()
    .select(columns)
    .from(apiKeys)
    .leftJoin(teams, eq(teams.id, apiKeys.teamId))
    .where(and(...conditions))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return { rows: page.map(toKeyRow), next: rows.length > PAGE_SIZE && last ? encodeCursor([last.cursorTime, last.id]) : undefined };
}

export async function findKey(id: string): Promise<KeyRow | undefined> {
  const [row] = await db().select(columns).from(apiKeys).leftJoin(teams, eq(teams.id, apiKeys.teamId)).where(eq(apiKeys.id, id)).limit(1);
  return row ? toKeyRow(row) : undefined;
}
