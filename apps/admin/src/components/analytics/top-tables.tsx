'use client';

import Link from 'next/link';
import { Anchor, Code, Text } from '@mantine/core';
import type { TopKey, TopModel, TopTeam } from '@corral/analytics';
import { DataTable, type AnalyticsColumn } from './data-table.tsx';
import { count, money } from './figures.ts';

const none = (text: string) => (
  <Text span c="dimmed" size="sm">
    {text}
  </Text>
);

function figures<T extends TopTeam | TopKey | TopModel>(): AnalyticsColumn<T>[] {
  return [
    { id: 'requests', header: 'Requests', accessorFn: (row) => row.requests, cell: (context) => count(context.getValue() as number) },
    { id: 'tokens', header: 'Tokens', accessorFn: (row) => row.promptTokens + row.completionTokens, cell: (context) => count(context.getValue() as number) },
    { id: 'cost', header: 'Cost', accessorFn: (row) => row.costUsd, cell: (context) => money(context.getValue() as number) },
  ];
}

const NUMERIC = ['requests', 'tokens', 'cost'];

const teamColumns: AnalyticsColumn<TopTeam>[] = [
  {
    id: 'team',
    header: 'Team',
    accessorFn: (row) => row.teamName ?? '',
    cell: ({ row }) =>
      row.original.teamId ? (
        <Anchor component={Link} href={`/teams/${row.original.teamId}`} size="sm">
          {row.original.teamName}
        </Anchor>
      ) : (
        none('no team')
      ),
  },
  ...figures<TopTeam>(),
];

const keyColumns: AnalyticsColumn<TopKey>[] = [
  {
    id: 'key',
    header: 'Key',
    accessorFn: (row) => row.keyName ?? '',
    cell: ({ row }) =>
      row.original.keyId ? (
        <Anchor component={Link} href={`/keys/${row.original.keyId}`} size="sm">
          {row.original.keyName ?? row.original.keyId}{' '}
          {row.original.keyPrefix && <Code>{row.original.keyPrefix}</Code>}
        </Anchor>
      ) : (
        none('no key')
      ),
  },
  ...figures<TopKey>(),
];

const modelColumns: AnalyticsColumn<TopModel>[] = [{ id: 'model', header: 'Model', accessorFn: (row) => row.model, cell: (context) => <Code>{context.getValue() as string}</Code> }, ...figures<TopModel>()];

export function TopTeamsTable({ rows }: { rows: TopTeam[] }) {
  return <DataTable data={rows} columns={teamColumns} minWidth={380} label="Top teams" sortable numeric={NUMERIC} testId="top-teams" />;
}

export function TopKeysTable({ rows }: { rows: TopKey[] }) {
  return <DataTable data={rows} columns={keyColumns} minWidth={380} label="Top keys" sortable numeric={NUMERIC} testId="top-keys" />;
}

export function TopModelsTable({ rows }: { rows: TopModel[] }) {
  return <DataTable data={rows} columns={modelColumns} minWidth={380} label="Top models" sortable numeric={NUMERIC} testId="top-models" />;
}
