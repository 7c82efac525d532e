'use client';

import { useActionState, useEffect, useState } from 'react';
import { Button, Group, Modal, Stack, Text, type ButtonProps } from '@mantine/core';
import type { MutationResult } from '@/lib/mutation-result.ts';
import { MutationAlert } from './mutation-alert.tsx';

export interface ConfirmActionProps<T> {
  action: (previous: MutationResult<T> | null, formData: FormData) => Promise<MutationResult<T>>;
  /** Hidden fields sent with the confirmation (the id). */
  fields: Record<string, string>;
  label: string;
  title: string;
  question: string;
  confirmLabel: string;
  /** The button that closes the dialog without acting; say what it keeps when "Cancel" would be ambiguous (cancelling a batch). */
  dismissLabel?: string;
  disabled?: boolean;
  color?: ButtonProps['color'];
  onDone?: () => void;
}

/** A button that asks first, then posts one mutation; a refusal (e.g. "the team still has keys") stays visible. */
export function ConfirmAction<T>({ action, fields, label, title, question, confirmLabel, dismissLabel = 'Cancel', disabled, color = 'red', onDone }: ConfirmActionProps<T>) {
  const [opened, setOpened] = useState(false);
  const [result, formAction, pending] = useActionState<MutationResult<T> | null, FormData>(action, null);
  useEffect(() => {
    if (result?.ok) {
      setOpened(false);
      onDone?.();
    }
  }, [result, onDone]);
  return (
    <>
      <Button size="xs" variant="light" color={color} onClick={() => setOpened(true)} disabled={disabled}>
        {label}
      </Button>
      <Modal opened={opened} onClose={() => setOpened(false)} title={title} centered>
        <form action={formAction}>
          {Object.entries(fields).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          <Stack gap="sm">
            <Text size="sm">{question}</Text>
            <MutationAlert result={result} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpened(false)}>
                {dismissLabel}
              </Button>
              <Button type="submit" color={color} loading={pending}>
                {confirmLabel}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
