import type { ReactNode } from 'react';
import { Paper, Stack, Text } from '@mantine/core';

export function EmptyState({ title, hint, children }: { title: string; hint?: ReactNode; children?: ReactNode }) {
  return (
    <Paper withBorder p="xl" data-testid="empty-state">
      <Stack align="center" gap={4}>
        <Text fw={500}>{title}</Text>
        {hint && (
          <Text c="dimmed" size="sm" ta="center">
            {hint}
          </Text>
        )}
        {children}
      </Stack>
    </Paper>
  );
}
