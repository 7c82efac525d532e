'use client';

import { Badge, Code, Group, ProgressRoot, ProgressSection, Stack, TableTd, TableTr, Text } from '@mantine/core';
import { AppLink } from '@/components/app-link.tsx';
import { count } from '@/components/analytics/figures.ts';
import { dateTime } from '@/components/format.ts';
import { ListTable, type ListColumn } from '@/components/list-table.tsx';
import { BATCH_STATUS_COLORS, batchProgress, batchTime, finishedAt, isCancellable, timeSpan, type BatchRow } from '@/lib/batch-view.ts';
import type { BatchRecord } from '@corral/protocol';
import { CancelBatchButton } from './batch-buttons.tsx';

const COLUMNS: ListColumn[] = [
  { label: 'Batch' },
  { label: 'Key' },
  { label: 'Model · endpoint' },
  { label: 'Status' },
  { label: 'Progress' },
  { label: 'Created · finished' },
  { label: '' },
];

/** `now` (Unix seconds) is the render's, for "expires in 23 h". */
export function BatchesTable({ rows, readOnly, now }: { rows: BatchRow[]; readOnly: boolean; now: number }) {
  return (
    <ListTable columns={COLUMNS} minWidth={960}>
      {rows.map(({ record, key }) => (
        <TableTr key={record.id} data-testid="batch-row" data-batch-id={record.id}>
          <TableTd>
            <Text size="sm" ff="monospace" fw={500}>
              {record.id}
            </Text>
            <MetadataLine metadata={record.metadata} />
          </TableTd>
          <TableTd>
            <KeyCell keyId={record.keyId} found={key} />
          </TableTd>
          <TableTd>
            {record.model ? (
              <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                {record.model}
              </Text>
            ) : (
              <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                not validated yet
              </Text>
            )}
            <Text size="xs" c="dimmed" ff="monospace">
              {record.endpoint}
            </Text>
          </TableTd>
          <TableTd>
            <Badge color={BATCH_STATUS_COLORS[record.status]} variant="light" size="sm" data-testid="batch-status" style={{ minWidth: 'max-content' }}>
              {record.status.replace('_', ' ')}
            </Badge>
          </TableTd>
          <TableTd miw={200}>
            <ProgressCell record={record} />
          </TableTd>
          <TableTd>
            <Text size="sm" style={{ whiteSpace: 'nowrap' }} data-testid="batch-created">
              {dateTime(batchTime(record.createdAt))}
            </Text>
            <FinishedLine record={record} now={now} />
          </TableTd>
          <TableTd ta="right">{isCancellable(record) && <CancelBatchButton id={record.id} readOnly={readOnly} />}</TableTd>
        </TableTr>
      ))}
    </ListTable>
  );
}

/** The bar has two sections, so failed lines show in red beside the completed ones. */
function ProgressCell({ record }: { record: BatchRecord }) {
  const { requestCounts: counts } = record;
  const progress = batchProgress(counts);
  return (
    <Stack gap={4}>
      <ProgressRoot size="md" aria-label={`${progress.percent} % of the lines done`}>
        <ProgressSection value={progress.completedShare} color="teal" />
        <ProgressSection value={progress.failedShare} color="red" />
      </ProgressRoot>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="xs" data-testid="batch-progress" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
          {counts.total === 0 ? 'counting lines…' : `${count(progress.done)} / ${count(counts.total)}`}
          {counts.failed > 0 && (
            <Text span size="xs" c="red" data-testid="batch-failed">
              {' '}
              · {count(counts.failed)} failed
            </Text>
          )}
        </Text>
        <Text size="xs" c="dimmed" data-testid="batch-percent" style={{ fontVariantNumeric: 'tabular-nums' }}>
          {progress.percent} %
        </Text>
      </Group>
    </Stack>
  );
}

function KeyCell({ keyId, found }: { keyId: string; found: BatchRow['key'] }) {
  if (found) {
    return (
      <Stack gap={0}>
        <AppLink href={`/keys/${found.id}`} size="sm" fw={500} style={{ whiteSpace: 'nowrap' }}>
          {found.name}
        </AppLink>
        <Text size="xs" c="dimmed" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
          {found.prefix}…
        </Text>
      </Stack>
    );
  }
  if (keyId === '') {
    return (
      <Text size="sm" c="dimmed">
        no auth
      </Text>
    );
  }
  return <Code>{keyId}</Code>;
}

/** When it ended; while it runs, how long its completion window has left. */
function FinishedLine({ record, now }: { record: BatchRecord; now: number }) {
  const ended = finishedAt(record);
  if (ended !== null) {
    return (
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }} data-testid="batch-finished">
        finished {dateTime(batchTime(ended))}
      </Text>
    );
  }
  if (record.cancellingAt !== null) {
    return (
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        cancel asked {dateTime(batchTime(record.cancellingAt))}
      </Text>
    );
  }
  return (
    <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }} title={`expires ${dateTime(batchTime(record.expiresAt))}`}>
      {record.expiresAt > now ? `expires in ${timeSpan(record.expiresAt - now)}` : 'window has passed'}
    </Text>
  );
}

/** A few of the caller's metadata pairs (OpenAI clients often put a description there). */
function MetadataLine({ metadata }: { metadata: Record<string, string> | null }) {
  const pairs = Object.entries(metadata ?? {});
  if (pairs.length === 0) return null;
  return (
    <Text size="xs" c="dimmed" lineClamp={1} maw={260}>
      {pairs.map(([name, value]) => (name === 'description' ? value : `${name}: ${value}`)).join(' · ')}
    </Text>
  );
}
