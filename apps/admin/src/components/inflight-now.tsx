'use client';

import { Paper, Text } from '@mantine/core';
import type { FleetWorker } from '@/lib/fleet-types.ts';
import { inflightTotal } from '@/lib/fleet-types.ts';
import { useFleet } from './use-fleet.ts';

/** "Requests in flight now", live: the sum of every worker's in-flight jobs. For the fleet page and the overview. */
export function InflightNow({ initial }: { initial?: FleetWorker[] }) {
  const { workers } = useFleet(initial);
  return <InflightCard total={inflightTotal(workers)} workers={workers.length} />;
}

export function InflightCard({ total, workers }: { total: number; workers: number }) {
  return (
    <Paper withBorder p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        In flight now
      </Text>
      <Text size="xl" fw={700} data-testid="inflight-now">
        {total}
      </Text>
      <Text size="xs" c="dimmed">
        across {workers} worker{workers === 1 ? '' : 's'}
      </Text>
    </Paper>
  );
}
