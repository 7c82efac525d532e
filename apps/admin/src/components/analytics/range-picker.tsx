'use client';

import Link from 'next/link';
import { Button, Group } from '@mantine/core';

const RANGES = [
  { value: '24h', label: '24 h' },
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
] as const;

/** The overview's range as links (?range=…): it reloads, shares and goes back like any page. */
export function RangePicker({ current }: { current: string }) {
  return (
    <Group gap={4} component="nav" aria-label="Range">
      {RANGES.map((range) => (
        <Button key={range.value} component={Link} href={`/?range=${range.value}`} size="xs" variant={range.value === current ? 'filled' : 'default'} aria-current={range.value === current ? 'page' : undefined}>
          {range.label}
        </Button>
      ))}
    </Group>
  );
}
