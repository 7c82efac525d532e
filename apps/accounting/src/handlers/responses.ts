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
    inputItems: request.inputItems ?? null,
    createdAt: new Date(request.createdAt),
  };
  const stored = await context.db
    .insert(responses)
    .values(values)
    .onConflictDoUpdate({
      target: responses.id,
      set: { model: values.model, messages: values.messages, output: values.output, inputItems: values.inputItems },
      setWhere: sql`${responses.keyId} IS NOT DISTINCT FROM excluded.key_id`,
    })
    .returning({ id: responses.id });
  return replyOk({ stored: stored.length > 0 });
};

/** The row `id` if `keyId` (null: no key) owns it. */
function ownedBy(id: string, keyId: string | null) {
  return and(eq(responses.id, id), keyId === null ? isNull(responses.keyId) : eq(responses.keyId, keyId));
}

/** Only the owner reads a response; anyone else gets the same null as for a missing id. */
export const getResponse: Handler<'responses.get'> = async (context, request) => {
  const [row] = await context.db.select().from(responses).where(ownedBy(request.id, request.keyId));
  if (!row) return replyOk(null);
  return replyOk({
    id: row.id,
    keyId: row.keyId,
    model: row.model,
    messages: row.messages,
    output: row.output,
    ...(row.inputItems === null ? {} : { inputItems: row.inputItems }),
    createdAt: row.createdAt.toISOString(),
  });
};

/** Only the owner deletes a response; anyone else gets the same `deleted: false` as for a missing id. */
export const deleteResponse: Handler<'responses.delete'> = async (context, request) => {
  const deleted = await context.db.delete(responses).where(ownedBy(request.id, request.keyId)).returning({ id: responses.id });
  return replyOk({ deleted: deleted.length > 0 });
};
