import type { ReactNode } from 'react';
import { Paper, Title } from '@mantine/core';

/** A bordered panel with a chart and its title (the chart sizes itself to the panel's width). */
export function ChartPanel({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="md" data-testid={testId} style={{ minWidth: 0 }}>
      <Title order={3} size="h5" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}
