'use client';

import Link from 'next/link';
import { Anchor, Code, Text } from '@mantine/core';
import type { UsageTotals } from '@corral/analytics';
import { DataTable, type AnalyticsColumn } from './data-table.tsx';
import { count, duration, money, percent } from './figures.ts';

/** One group's totals over the whole range. */
export interface UsageTotalRow extends UsageTotals {
  group: 'team' | 'key' | 'model';
  groupId: string | null;
  groupName: string;
}

function groupCell(row: UsageTotalRow) {
  if (row.group === 'model') return <Code>{row.groupName}</Code>;
  if (!row.groupId)
    return (
      <Text span c="dimmed" size="sm">
        {row.groupName}
      </Text>
    );
  return (
    <Anchor component={Link} href={`/${row.group === 'team' ? 'teams' : 'keys'}/${row.groupId}`} size="sm">
      {row.groupName}
    </Anchor>
  );
}

const numberCell = (format: (value: number) => string) => (context: { getValue: () => unknown }) => format(context.getValue() as number);

const columns: AnalyticsColumn<UsageTotalRow>[] = [
  { id: 'group', header: 'Group', accessorFn: (row) => row.groupName, cell: ({ row }) => groupCell(row.original) },
  { id: 'requests', header: 'Requests', accessorFn: (row) => row.requests, cell: numberCell(count) },
  { id: 'errors', header: 'Errors', accessorFn: (row) => row.errors, cell: ({ row }) => `${count(row.original.errors)} (${percent(row.original.errors, row.original.requests)})` },
  { id: 'input', header: 'Input tokens', accessorFn: (row) => row.promptTokens, cell: numberCell(count) },
  { id: 'output', header: 'Output tokens', accessorFn: (row) => row.completionTokens, cell: numberCell(count) },
  { id: 'cost', header: 'Cost', accessorFn: (row) => row.costUsd, cell: numberCell(money) },
  { id: 'gpu', header: 'GPU time', accessorFn: (row) => row.gpuSeconds, cell: numberCell(duration) },
];

export function UsageTable({ rows }: { rows: UsageTotalRow[] }) {
  return <DataTable data={rows} columns={columns} minWidth={820} label="Usage per group over the range" sortable numeric={['requests', 'errors', 'input', 'output', 'cost', 'gpu']} testId="usage-table" />;
}
