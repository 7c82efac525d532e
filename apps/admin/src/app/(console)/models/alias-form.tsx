'use client';

import { useActionState, useEffect } from 'react';
import { Checkbox, Group, NativeSelect, NumberInput, Stack, Textarea, TextInput } from '@mantine/core';
import { SubmitRow, fieldError } from '@/components/form-parts.tsx';
import { MutationAlert } from '@/components/mutation-alert.tsx';
import { ReadOnlyFieldset } from '@/components/read-only-fieldset.tsx';
import type { AliasRow } from '@corral/analytics';
import { setAlias } from './actions.ts';

export function AliasForm({ initial, fleetModels, readOnly, onDone }: { initial?: AliasRow; fleetModels: string[]; readOnly: boolean; onDone?: () => void }) {
  const [result, formAction, pending] = useActionState(setAlias, null);
  useEffect(() => {
    if (result?.ok) onDone?.();
  }, [result, onDone]);
  return (
    <form action={formAction} aria-label="Save alias">
      <ReadOnlyFieldset readOnly={readOnly}>
        <Stack gap="sm">
          <MutationAlert result={result} />
          <Group grow align="flex-start">
            <TextInput name="alias" label="Alias" description="The name clients ask for" required defaultValue={initial?.alias} readOnly={Boolean(initial)} error={fieldError(result, 'alias')} data-autofocus />
            <TextInput name="target" label="Ollama model" description="What it runs" required defaultValue={initial?.target} list="fleet-models" error={fieldError(result, 'target')} />
          </Group>
          <datalist id="fleet-models">
            {fleetModels.map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <Group grow align="flex-start">
            <NumberInput name="inputPricePerMTok" label="Input price / M tokens" placeholder="free" prefix="$" min={0} decimalScale={4} defaultValue={initial?.inputPricePerMTok ?? ''} error={fieldError(result, 'inputPricePerMTok')} />
            <NumberInput name="outputPricePerMTok" label="Output price / M tokens" placeholder="free" prefix="$" min={0} decimalScale={4} defaultValue={initial?.outputPricePerMTok ?? ''} error={fieldError(result, 'outputPricePerMTok')} />
          </Group>
          <Group grow align="flex-start">
            <NativeSelect name="think" label="Think" defaultValue={initial?.think === null || initial?.think === undefined ? '' : String(initial.think)} data={[{ value: '', label: "model's default" }, { value: 'true', label: 'on' }, { value: 'false', label: 'off' }, { value: 'low', label: 'low' }, { value: 'medium', label: 'medium' }, { value: 'high', label: 'high' }]} />
            <TextInput name="keepAlive" label="Keep alive" placeholder="e.g. 10m" defaultValue={initial?.keepAlive === null || initial?.keepAlive === undefined ? '' : String(initial.keepAlive)} error={fieldError(result, 'keepAlive')} />
            <NumberInput name="requestTimeoutMs" label="Timeout (ms)" placeholder="default" min={1} allowDecimal={false} defaultValue={initial?.requestTimeoutMs ?? ''} error={fieldError(result, 'requestTimeoutMs')} />
          </Group>
          <Textarea name="options" label="Ollama options (JSON)" placeholder='{"num_ctx": 8192}' autosize minRows={2} defaultValue={initial && Object.keys(initial.options).length > 0 ? JSON.stringify(initial.options, null, 2) : ''} error={fieldError(result, 'options')} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} />
          <Group>
            <Checkbox name="visible" label="Listed by /v1/models" defaultChecked={initial?.visible ?? true} />
            <Checkbox name="excludeReasoning" label="Strip reasoning from answers" defaultChecked={initial?.excludeReasoning ?? false} />
          </Group>
          <SubmitRow label="Save alias" pending={pending} />
        </Stack>
      </ReadOnlyFieldset>
    </form>
  );
}
