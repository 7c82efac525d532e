'use server';

import { revalidatePath } from 'next/cache';
import { callAccounting } from '@corral/bus';
import { z } from 'zod';
import { modelList, name, optionalMoney, optionalPositiveInteger } from '@/lib/form-fields.ts';
import { mutation } from '@/lib/mutation.ts';

const TeamFields = z.object({ name, models: modelList, rpm: optionalPositiveInteger, tpm: optionalPositiveInteger, monthlyBudgetUsd: optionalMoney });

export const createTeam = mutation(TeamFields, async (team, { bus }) => {
  const created = await callAccounting(bus, 'teams.create', team);
  revalidatePath('/teams');
  return { id: created.id, name: created.name };
});

export const updateTeam = mutation(TeamFields.extend({ id: z.uuid() }), async (team, { bus }) => {
  const updated = await callAccounting(bus, 'teams.update', team);
  revalidatePath('/teams');
  revalidatePath(`/teams/${team.id}`);
  return { id: updated.id, name: updated.name };
});

/** Accounting refuses (conflict) while the team owns keys that are not revoked; the form shows why. */
export const deleteTeam = mutation(z.object({ id: z.uuid() }), async ({ id }, { bus }) => {
  const result = await callAccounting(bus, 'teams.delete', { id });
  revalidatePath('/teams');
  return result;
});
