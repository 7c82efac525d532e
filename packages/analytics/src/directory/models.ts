import { models, type Db } from '@corral/db';
import { asc } from 'drizzle-orm';

export interface AliasRow {
  alias: string;
  target: string;
  options: Record<string, unknown>;
  think: boolean | 'low' | 'medium' | 'high' | null;
  keepAlive: string | number | null;
  requestTimeoutMs: number | null;
  excludeReasoning: boolean;
  inputPricePerMTok: number | null;
  outputPricePerMTok: number | null;
  visible: boolean;
  updatedAt: Date;
}

/** Every alias (they are few: one per model offered), by name. */
export async function listAliases(db: Db): Promise<AliasRow[]> {
  const rows = await db.select().from(models).orderBy(asc(models.alias)).limit(5000);
  return rows.map((row) => ({
    ...row,
    think: row.think ?? null,
    keepAlive: row.keepAlive ?? null,
    inputPricePerMTok: row.inputPricePerMTok === null ? null : Number(row.inputPricePerMTok),
    outputPricePerMTok: row.outputPricePerMTok === null ? null : Number(row.outputPricePerMTok),
  }));
}
