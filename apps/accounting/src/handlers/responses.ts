import { responses } from '@corral/db';
import { replyOk } from '@corral/protocol';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Handler } from '../serve.ts';

/** Stores a response; a retry by the same key overwrites it, another key can never take the id over. */
export const putResponse: Handler<'responses.put'> = async (context, request) => {
  const values = {
    id: request.id,
    keyId: request.keyId,
    model: request.model,
    messages: request.messages,
    output: request.output ?? null,
    createdAt: new Date(request.createdAt),
  };
  const stored = await context.db
    .insert(responses)
    .values(values)
    .onConflictDoUpdate({
      target: responses.id,
      set: { model: values.model, messages: values.messages, output: values.output },
      setWhere: sql`${responses.keyId} IS NOT DISTINCT FROM excluded.key_id`,
    })
    .returning({ id: responses.id });
  return replyOk({ stored: stored.length > 0 });
};

/** Only the owner reads a response; anyone else gets the same null as for a missing id. */
export const getResponse: Handler<'responses.get'> = async (context, request) => {
  const owner = request.keyId === null ? isNull(responses.keyId) : eq(responses.keyId, request.keyId);
  const [row] = await context.db.select().from(responses).where(and(eq(responses.id, request.id), owner));
  if (!row) return replyOk(null);
  return replyOk({
    id: row.id,
    keyId: row.keyId,
    model: row.model,
    messages: row.messages,
    output: row.output,
    createdAt: row.createdAt.toISOString(),
  });
};
