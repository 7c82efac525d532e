'use client';

import { useActionState, useEffect } from 'react';
import { Alert, Button, Code, CopyButton, Group, NumberInput, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { RateLimitFields, SubmitRow, fieldError } from '@/components/form-parts.tsx';
import { MutationAlert } from '@/components/mutation-alert.tsx';
import { ReadOnlyFieldset } from '@/components/read-only-fieldset.tsx';
import type { MutationResult } from '@/lib/mutation-result.ts';

export interface KeyFormValues {
  id?: string;
  name: string;
  teamId: string | null;
  models: string[];
  rpm: number | null;
  tpm: number | null;
  budgetUsd: number | null;
  /** YYYY-MM-DD */
  expiresOn: string | null;
}

type KeyAction<T> = (previous: MutationResult<T> | null, formData: FormData) => Promise<MutationResult<T>>;

/** Create or edit a key. On create, the plaintext is shown here once, with a copy button. */
export function KeyForm<T extends { id: string; plaintext?: string }>({ action, initial, teams, readOnly, submitLabel, onDone }: { action: KeyAction<T>; initial?: KeyFormValues; teams: { value: string; label: string }[]; readOnly: boolean; submitLabel: string; onDone?: () => void }) {
  const [result, formAction, pending] = useActionState<MutationResult<T> | null, FormData>(action, null);
  const plaintext = result?.ok ? result.value.plaintext : undefined;
  useEffect(() => {
    if (result?.ok && !result.value.plaintext) onDone?.();
  }, [result, onDone]);

  if (plaintext) {
    return (
      <Stack gap="sm">
        <Alert color="teal" title="Key created">
          Copy it now: it is shown only this once and cannot be read back.
        </Alert>
        <Code block data-testid="key-plaintext" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
          {plaintext}
        </Code>
        <Group justify="flex-end">
          <CopyButton value={plaintext}>{({ copied, copy }) => <Button variant="light" onClick={copy}>{copied ? 'Copied' : 'Copy key'}</Button>}</CopyButton>
          <Button onClick={onDone}>Done</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form action={formAction} aria-label={submitLabel}>
      <ReadOnlyFieldset readOnly={readOnly}>
        <Stack gap="sm">
          {initial?.id && <input type="hidden" name="id" value={initial.id} />}
          <MutationAlert result={result} />
          <TextInput name="name" label="Name" required defaultValue={initial?.name} error={fieldError(result, 'name')} data-autofocus />
          <Select name="teamId" label="Team" placeholder="No team" data={teams} defaultValue={initial?.teamId ?? null} clearable searchable error={fieldError(result, 'teamId')} />
          <TagsInput name="models" label="Models" description="Aliases this key may use (within its team's); empty means every model" defaultValue={initial?.models} error={fieldError(result, 'models')} />
          <RateLimitFields initial={initial} result={result} />
          <Group grow align="flex-start">
            <NumberInput name="budgetUsd" label="Budget (USD, lifetime)" placeholder="unlimited" min={0} decimalScale={2} prefix="$" defaultValue={initial?.budgetUsd ?? ''} error={fieldError(result, 'budgetUsd')} />
            <TextInput name="expiresAt" type="date" label="Expires after" defaultValue={initial?.expiresOn ?? ''} error={fieldError(result, 'expiresAt')} />
          </Group>
          <Text size="xs" c="dimmed">
            Empty limits mean unlimited; the team&apos;s own limits still apply.
          </Text>
          <SubmitRow label={submitLabel} pending={pending} />
        </Stack>
      </ReadOnlyFieldset>
    </form>
  );
}
