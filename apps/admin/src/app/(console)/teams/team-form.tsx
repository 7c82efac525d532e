'use client';

import { useActionState, useEffect } from 'react';
import { NumberInput, Stack, TagsInput, TextInput } from '@mantine/core';
import { RateLimitFields, SubmitRow, fieldError } from '@/components/form-parts.tsx';
import { MutationAlert } from '@/components/mutation-alert.tsx';
import { ReadOnlyFieldset } from '@/components/read-only-fieldset.tsx';
import type { MutationResult } from '@/lib/mutation-result.ts';

export interface TeamFormValues {
  id?: string;
  name: string;
  models: string[];
  rpm: number | null;
  tpm: number | null;
  monthlyBudgetUsd: number | null;
}

type TeamAction = (previous: MutationResult<{ id: string; name: string }> | null, formData: FormData) => Promise<MutationResult<{ id: string; name: string }>>;

/** Create or edit a team; empty limits mean unlimited. */
export function TeamForm({ action, initial, readOnly, submitLabel, onDone }: { action: TeamAction; initial?: TeamFormValues; readOnly: boolean; submitLabel: string; onDone?: () => void }) {
  const [result, formAction, pending] = useActionState(action, null);
  useEffect(() => {
    if (result?.ok) onDone?.();
  }, [result, onDone]);
  return (
    <form action={formAction} aria-label={submitLabel}>
      <ReadOnlyFieldset readOnly={readOnly}>
        <Stack gap="sm">
          {initial?.id && <input type="hidden" name="id" value={initial.id} />}
          <MutationAlert result={result} />
          <TextInput name="name" label="Name" required defaultValue={initial?.name} error={fieldError(result, 'name')} data-autofocus />
          <TagsInput name="models" label="Models" description="Aliases the team's keys may use; empty means every model" defaultValue={initial?.models} error={fieldError(result, 'models')} />
          <RateLimitFields initial={initial} result={result} />
          <NumberInput name="monthlyBudgetUsd" label="Budget per month (USD)" placeholder="unlimited" min={0} decimalScale={2} prefix="$" defaultValue={initial?.monthlyBudgetUsd ?? ''} error={fieldError(result, 'monthlyBudgetUsd')} />
          <SubmitRow label={submitLabel} pending={pending} />
        </Stack>
      </ReadOnlyFieldset>
    </form>
  );
}
