'use client';

import Link from 'next/link';
import { Anchor, Badge, Code, Text, Tooltip } from '@mantine/core';
import type { RequestLogRow } from '@corral/analytics';
import { DataTable, type AnalyticsColumn } from './data-table.tsx';
import { count, milliseconds } from './figures.ts';

const dimmed = (text: string) => (
  <Text span c="dimmed" size="xs">
    {text}
  </Text>
);

const STATUS_COLORS: Record<string, string> = { ok: 'teal', error: 'red', cancelled: 'gray' };

/** Seconds to the millisecond, UTC: "2025-03-07 14:30:05.123". */
const instant = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 23);

const columns: AnalyticsColumn<RequestLogRow>[] = [
  { id: 'time', header: 'Time (UTC)', accessorFn: (row) => row.startedAt, cell: ({ row }) => <Text size="xs" ff="monospace">{instant(row.original.startedAt)}</Text> },
  {
    id: 'team',
    header: 'Team',
    accessorFn: (row) => row.teamName,
    cell: ({ row }) =>
      row.original.teamId ? (
        <Anchor component={Link} href={`/teams/${row.original.teamId}`} size="xs">
          {row.original.teamName ?? row.original.teamId}
        </Anchor>
      ) : (
        dimmed('none')
      ),
  },
  {
    id: 'key',
    header: 'Key',
    accessorFn: (row) => row.keyName,
    cell: ({ row }) =>
      row.original.keyId ? (
        <Anchor component={Link} href={`/keys/${row.original.keyId}`} size="xs">
          {row.original.keyName ?? row.original.keyId}
        </Anchor>
      ) : (
        dimmed('no key')
      ),
  },
  {
    id: 'model',
    header: 'Model',
    accessorFn: (row) => row.model,
    cell: ({ row }) => (
      <Tooltip label={`ran as ${row.original.resolvedModel}`} disabled={row.original.resolvedModel === row.original.model}>
        <Code>{row.original.model}</Code>
      </Tooltip>
    ),
  },
  { id: 'endpoint', header: 'Endpoint', accessorFn: (row) => row.endpoint, cell: ({ row }) => <Text size="xs">{row.original.endpoint}</Text> },
  {
    id: 'status',
    header: 'Status',
    accessorFn: (row) => row.status,
    cell: ({ row }) => (
      <Badge variant="light" size="sm" color={STATUS_COLORS[row.original.status] ?? 'gray'} title={row.original.errorCode ?? undefined} styles={{ label: { overflow: 'visible' } }}>
        {row.original.httpStatus} {row.original.status === 'ok' ? 'ok' : (row.original.errorCode ?? row.original.status)}
      </Badge>
    ),
  },
  { id: 'input', header: 'Tokens in', accessorFn: (row) => row.promptTokens, cell: ({ row }) => count(row.original.promptTokens) },
  { id: 'output', header: 'Tokens out', accessorFn: (row) => row.completionTokens, cell: ({ row }) => count(row.original.completionTokens) },
  { id: 'ttft', header: 'TTFT', accessorFn: (row) => row.ttftMs, cell: ({ row }) => milliseconds(row.original.ttftMs) },
  { id: 'duration', header: 'Duration', accessorFn: (row) => row.durationMs, cell: ({ row }) => milliseconds(row.original.durationMs) },
  { id: 'worker', header: 'Worker', accessorFn: (row) => row.workerId, cell: ({ row }) => (row.original.workerId ? <Text size="xs">{row.original.workerId}</Text> : dimmed('—')) },
  { id: 'gpu', header: 'GPU time', accessorFn: (row) => row.gpuMs, cell: ({ row }) => milliseconds(row.original.gpuMs) },
];

/** The request log's rows in the server's order (keyset paging: no client-side sorting). */
export function RequestLogTable({ rows }: { rows: RequestLogRow[] }) {
  return <DataTable data={rows} columns={columns} minWidth={1000} label="Requests, newest first" fontSize="xs" numeric={['input', 'output', 'ttft', 'duration', 'gpu']} testId="request-log" />;
}
