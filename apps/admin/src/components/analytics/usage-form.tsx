import { Button, Group, NativeSelect, TextInput } from '@mantine/core';
import type { UsageForm } from './usage-query.ts';

export const METRIC_CHOICES = [
  { value: 'requests', label: 'Requests' },
  { value: 'costUsd', label: 'Cost' },
  { value: 'promptTokens', label: 'Input tokens' },
  { value: 'completionTokens', label: 'Output tokens' },
];

/** The usage page's controls as a GET form: every choice lives in the URL. */
export function UsageFilters({ form, metric }: { form: UsageForm; metric: string }) {
  return (
    <form method="get" aria-label="Usage filters">
      <Group gap="xs" mb="md" wrap="wrap" align="flex-end">
        <NativeSelect
          name="group"
          label="Group by"
          defaultValue={form.group}
          data={[
            { value: 'model', label: 'Model' },
            { value: 'team', label: 'Team' },
            { value: 'key', label: 'Key' },
          ]}
        />
        <NativeSelect
          name="granularity"
          label="Per"
          defaultValue={form.granularity}
          data={[
            { value: 'day', label: 'Day' },
            { value: 'hour', label: 'Hour (14 days at most)' },
          ]}
        />
        <TextInput type="date" name="from" label="From (UTC)" defaultValue={form.from} required />
        <TextInput type="date" name="to" label="To, inclusive (UTC)" defaultValue={form.to} required />
        <NativeSelect name="metric" label="Chart" defaultValue={metric} data={METRIC_CHOICES} />
        <Button type="submit" variant="default">
          Show
        </Button>
      </Group>
    </form>
  );
}
