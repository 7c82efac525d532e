import { Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { usd } from './format.ts';

/** Spend against a budget: a bar that turns orange at 80 % and red when exhausted. */
export function SpendMeter({ label, spent, budget }: { label: string; spent: number; budget: number | null }) {
  const share = budget ? Math.min(100, (spent / budget) * 100) : 0;
  const color = share >= 100 ? 'red' : share >= 80 ? 'orange' : 'teal';
  return (
    <Paper withBorder p="md">
      <Stack gap={6}>
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {label}
          </Text>
          <Text size="sm" fw={500} data-testid="spend">
            {usd(spent)} {budget === null ? '(no budget)' : `of ${usd(budget)}`}
          </Text>
        </Group>
        {budget !== null && <Progress value={share} color={color} aria-label={`${share.toFixed(0)} % of the budget spent`} />}
      </Stack>
    </Paper>
  );
}
