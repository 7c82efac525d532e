import 'server-only';
import { adminUsers } from '@corral/db';
import { isNull } from 'drizzle-orm';
import { db } from './db.ts';

/** Whether anyone can sign in yet (no admin exists on a fresh install: there is no default user). */
export async function anyAdminExists(): Promise<boolean> {
  const rows = await db().select({ id: adminUsers.id }).from(adminUsers).where(isNull(adminUsers.disabledAt)).limit(1);
  return rows.length > 0;
}
