'use client';

import { Badge, Code, SimpleGrid, Stack, Text } from '@mantine/core';
import { count } from '@/components/analytics/figures.ts';
import { StatCard } from '@/components/analytics/stat-card.tsx';
import { EmptyState } from '@/components/empty-state.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { useBatches } from '@/components/use-batches.ts';
import { useFleet } from '@/components/use-fleet.ts';
import { batchProgress, isActiveBatch, type BatchList } from '@/lib/batch-view.ts';
import { inflightSplit, type FleetWorker } from '@/lib/fleet-types.ts';
import { BatchesTable } from './batches-table.tsx';

const DESCRIPTION = "Batch jobs of every key (OpenAI's Batch API), newest first. Their lines run on the fleet's spare capacity, beside interactive requests.";

export function BatchesBoard({ initial, initialWorkers, readOnly, intervalMs }: { initial: BatchList; initialWorkers: FleetWorker[]; readOnly: boolean; intervalMs: number }) {
  const { list, live, polling } = useBatches(initial, intervalMs);
  const { workers } = useFleet(initialWorkers);
  const { rows, total } = list;
  const active = rows.filter((row) => isActiveBatch(row.record));
  // A batch that is stopping (cancelled, or past its window) starts no more lines: none of its are to go.
  const linesLeft = active.filter((row) => row.record.stop === null).reduce((sum, row) => sum + Math.max(0, row.record.requestCounts.total - batchProgress(row.record.requestCounts).done), 0);
  const failed = rows.reduce((sum, row) => sum + row.record.requestCounts.failed, 0);
  const inflight = inflightSplit(workers);

  return (
    <Stack gap="md">
      <PageHeader title="Batches" description={DESCRIPTION} actions={rows.length > 0 ? <RefreshBadge polling={polling} live={live} intervalMs={intervalMs} /> : undefined} />
      {rows.length === 0 ? (
        <EmptyState
          title="No batches yet"
          hint="A client uploads a JSONL file to /v1/files (purpose batch), then creates a batch with POST /v1/batches. It shows here as soon as it is created, and its progress as its lines run."
        />
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
            <StatCard label="Active batches" value={count(active.length)} detail={`of ${count(total)} in all`} testId="batches-active" />
            <StatCard label="Lines to go" value={count(linesLeft)} detail="in the batches still running" testId="batches-lines-left" />
            <StatCard
              label="Batch lines in flight"
              value={count(inflight.batch)}
              detail={`beside ${count(inflight.interactive)} interactive, on ${count(workers.length)} worker${workers.length === 1 ? '' : 's'}`}
              testId="batches-inflight"
            />
            <StatCard label="Failed lines" value={count(failed)} detail="in the batches below" />
          </SimpleGrid>
          <BatchesTable rows={rows} readOnly={readOnly} now={list.now} />
          {total > rows.length && (
            <Text size="sm" c="dimmed">
              The {count(rows.length)} newest of {count(total)} batches; <Code>pnpm corral batches list</Code> lists them all.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}

function RefreshBadge({ polling, live, intervalMs }: { polling: boolean; live: boolean; intervalMs: number }) {
  const [color, text] = !polling ? ['gray', 'all batches ended'] : live ? ['teal', `live · every ${Math.round(intervalMs / 1000)} s`] : ['orange', 'reconnecting…'];
  return (
    <Badge color={color} variant="dot" size="lg" data-testid="batches-live">
      {text}
    </Badge>
  );
}
