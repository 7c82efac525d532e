'use server';

import { revalidatePath } from 'next/cache';
import { callAccounting } from '@corral/bus';
import { z } from 'zod';
import { modelList, name, optionalExpiry, optionalMoney, optionalPositiveInteger, optionalUuid } from '@/lib/form-fields.ts';
import { mutation } from '@/lib/mutation.ts';

const KeyFields = z.object({
  name,
  teamId: optionalUuid,
  models: modelList,
  rpm: optionalPositiveInteger,
  tpm: optionalPositiveInteger,
  budgetUsd: optionalMoney,
  expiresAt: optionalExpiry,
});

/** The plaintext is returned to this one response only (shown once); it is never stored or logged here. */
export const createKey = mutation(KeyFields, async (key, { bus }) => {
  const created = await callAccounting(bus, 'keys.create', key);
  revalidatePath('/keys');
  return { id: created.key.id, name: created.key.name, plaintext: created.plaintext };
});

export const updateKey = mutation(KeyFields.extend({ id: z.uuid() }), async (key, { bus }) => {
  const updated = await callAccounting(bus, 'keys.update', key);
  revalidatePath('/keys');
  revalidatePath(`/keys/${key.id}`);
  return { id: updated.id };
});

export const revokeKey = mutation(z.object({ id: z.uuid() }), async ({ id }, { bus }) => {
  const revoked = await callAccounting(bus, 'keys.revoke', { id });
  revalidatePath('/keys');
  revalidatePath(`/keys/${id}`);
  return { id: revoked.id };
});
