import { Anchor, Button, Group, NativeSelect, TextInput } from '@mantine/core';

export interface RequestLogFilterValues {
  team?: string;
  key?: string;
  model?: string;
  status?: string;
  from?: string;
  to?: string;
}

type Choice = { value: string; label: string };

/** The request log's filters as a GET form (a new search starts at the newest row again). */
export function RequestLogFilters({ values, teams, keys, models }: { values: RequestLogFilterValues; teams: Choice[]; keys: Choice[]; models: string[] }) {
  return (
    <form method="get" aria-label="Request log filters">
      <Group gap="xs" wrap="wrap" align="flex-end">
        <NativeSelect name="team" label="Team" defaultValue={values.team ?? ''} data={[{ value: '', label: 'Every team' }, ...teams]} style={{ flex: '0 1 160px' }} />
        <NativeSelect name="key" label="Key" defaultValue={values.key ?? ''} data={[{ value: '', label: 'Every key' }, ...keys]} style={{ flex: '0 1 200px' }} />
        <TextInput name="model" label="Model" defaultValue={values.model ?? ''} placeholder="any" list="request-log-models" style={{ flex: '0 1 160px' }} />
        <datalist id="request-log-models">
          {models.map((model) => (
            <option key={model} value={model} />
          ))}
        </datalist>
        <NativeSelect
          name="status"
          label="Status"
          defaultValue={values.status ?? ''}
          data={[
            { value: '', label: 'Any status' },
            { value: 'ok', label: 'OK' },
            { value: 'error', label: 'Error' },
            { value: 'cancelled', label: 'Cancelled' },
          ]}
          style={{ flex: '0 1 120px' }}
        />
        <TextInput type="datetime-local" name="from" label="From (UTC)" defaultValue={values.from ?? ''} style={{ flex: '0 1 180px' }} />
        <TextInput type="datetime-local" name="to" label="To (UTC)" defaultValue={values.to ?? ''} style={{ flex: '0 1 180px' }} />
        <Button type="submit" variant="default">
          Filter
        </Button>
        <Anchor href="/requests" size="sm" pb={8}>
          Clear
        </Anchor>
      </Group>
    </form>
  );
}
