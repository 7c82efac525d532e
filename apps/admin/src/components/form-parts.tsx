import { Button, Group, NumberInput } from '@mantine/core';
import type { MutationResult } from '@/lib/mutation-result.ts';

/** The error accounting gave for one field, when the last submission failed on it. */
export function fieldError(result: MutationResult<unknown> | null, field: string): string | undefined {
  return result && !result.ok ? result.fieldErrors?.[field] : undefined;
}

/** Requests and tokens per minute, side by side (keys and teams); empty means unlimited. */
export function RateLimitFields({ initial, result }: { initial?: { rpm: number | null; tpm: number | null }; result: MutationResult<unknown> | null }) {
  return (
    <Group grow align="flex-start">
      <NumberInput name="rpm" label="Requests / minute" placeholder="unlimited" min={1} allowDecimal={false} defaultValue={initial?.rpm ?? ''} error={fieldError(result, 'rpm')} />
      <NumberInput name="tpm" label="Tokens / minute" placeholder="unlimited" min={1} allowDecimal={false} defaultValue={initial?.tpm ?? ''} error={fieldError(result, 'tpm')} />
    </Group>
  );
}

/** A form's submit button, at the right, spinning while the action runs. */
export function SubmitRow({ label, pending }: { label: string; pending: boolean }) {
  return (
    <Group justify="flex-end">
      <Button type="submit" loading={pending}>
        {label}
      </Button>
    </Group>
  );
}
