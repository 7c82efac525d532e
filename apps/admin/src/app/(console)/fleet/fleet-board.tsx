'use client';

import { useActionState } from 'react';
import { Badge, Button, Card, ColorSwatch, Group, ProgressRoot, ProgressSection, SimpleGrid, Stack, Table, TableScrollContainer, TableTbody, TableTd, TableTh, TableThead, TableTr, Text, Title } from '@mantine/core';
import { StatCard } from '@/components/analytics/stat-card.tsx';
import { EmptyState } from '@/components/empty-state.tsx';
import { bytes } from '@/components/format.ts';
import { InflightCard } from '@/components/inflight-now.tsx';
import { MutationAlert } from '@/components/mutation-alert.tsx';
import { useFleet } from '@/components/use-fleet.ts';
import { batchInflight, inflightSplit, interactiveInflight, type FleetWorker } from '@/lib/fleet-types.ts';
import { commandWorker } from './actions.ts';

export function FleetBoard({ initial, readOnly }: { initial: FleetWorker[]; readOnly: boolean }) {
  const { workers, live } = useFleet(initial);
  const inflight = inflightSplit(workers);
  const capacity = workers.reduce((sum, worker) => sum + worker.capacity, 0);
  return (
    <Stack gap="md">
      <Group gap="md" align="stretch">
        <InflightCard total={inflight.total} workers={workers.length} />
        <StatCard label="Interactive" value={inflight.interactive} detail="requests a client waits on" testId="fleet-interactive" />
        <StatCard label="Batch" value={inflight.batch} detail="lines of batch jobs" testId="fleet-batch" />
        <StatCard label="Capacity" value={capacity} detail="parallel slots in all" testId="fleet-capacity" />
        <Badge color={live ? 'teal' : 'gray'} variant="dot" size="lg" style={{ alignSelf: 'center' }} data-testid="fleet-live">
          {live ? 'live' : 'connecting…'}
        </Badge>
      </Group>
      {workers.length === 0 ? (
        <EmptyState title="No worker is running" hint="Start a worker on an Ollama host (pnpm --filter @corral/worker start) with the same NATS_URL and CORRAL_PREFIX; it appears here within a second or two." />
      ) : (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {workers.map((worker) => (
            <WorkerCard key={worker.workerId} worker={worker} readOnly={readOnly} />
          ))}
        </SimpleGrid>
      )}
    </Stack>
  );
}

function health(worker: FleetWorker): { label: string; color: string } {
  if (!worker.upstreamHealthy) return { label: 'Ollama not answering', color: 'red' };
  if (worker.draining) return { label: 'draining', color: 'orange' };
  if (worker.cordoned) return { label: 'cordoned', color: 'yellow' };
  return { label: 'healthy', color: 'teal' };
}

function WorkerCard({ worker, readOnly }: { worker: FleetWorker; readOnly: boolean }) {
  const [result, formAction, pending] = useActionState(commandWorker, null);
  const state = health(worker);
  const loaded = worker.models.filter((model) => model.loaded);
  return (
    <Card withBorder padding="md" data-testid="worker-card" data-worker-id={worker.workerId}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Title order={3} size="h5" style={{ overflowWrap: 'anywhere' }}>
              {worker.workerId}
            </Title>
            <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
              {worker.upstream}
              {worker.upstreamVersion ? ` · Ollama ${worker.upstreamVersion}` : ''}
            </Text>
          </Stack>
          <Badge color={state.color} variant="light" data-testid="worker-state">
            {state.label}
          </Badge>
        </Group>
        <Group gap="lg">
          <Stat label="Interactive" value={`${interactiveInflight(worker)}`} testId="worker-interactive" swatch={LOAD_COLORS.interactive} />
          <Stat label="Batch" value={`${batchInflight(worker)}`} testId="worker-batch" swatch={LOAD_COLORS.batch} />
          <Stat label="Capacity" value={`${worker.capacity}`} />
          <Stat label="Max in flight" value={`${worker.maxInflight}`} />
          <Stat label="Models" value={`${worker.models.length} (${loaded.length} loaded)`} />
        </Group>
        <LoadBar worker={worker} />
        {worker.models.length > 0 && (
          <TableScrollContainer minWidth={420}>
            <Table verticalSpacing={4} fz="sm">
              <TableThead>
                <TableTr>
                  <TableTh>Model</TableTh>
                  <TableTh ta="right">Size</TableTh>
                  <TableTh ta="right">VRAM</TableTh>
                  <TableTh>Unloads</TableTh>
                </TableTr>
              </TableThead>
              <TableTbody>
                {worker.models.map((model) => (
                  <TableTr key={model.name}>
                    <TableTd>
                      {model.name}{' '}
                      {model.loaded && (
                        <Badge size="xs" variant="light">
                          loaded
                        </Badge>
                      )}
                    </TableTd>
                    <TableTd ta="right">{bytes(model.sizeBytes)}</TableTd>
                    <TableTd ta="right">{model.loaded ? bytes(model.sizeVramBytes) : '—'}</TableTd>
                    <TableTd>{model.loaded && model.expiresAt ? new Date(model.expiresAt).toLocaleTimeString() : '—'}</TableTd>
                  </TableTr>
                ))}
              </TableTbody>
            </Table>
          </TableScrollContainer>
        )}
        <MutationAlert result={result} />
        <form action={formAction}>
          <input type="hidden" name="workerId" value={worker.workerId} />
          <fieldset disabled={readOnly || pending} style={{ border: 0, padding: 0, margin: 0 }}>
            <Group gap="xs">
              {worker.cordoned ? (
                <Button type="submit" name="command" value="uncordon" size="xs" variant="light">
                  Uncordon
                </Button>
              ) : (
                <Button type="submit" name="command" value="cordon" size="xs" variant="light" color="yellow" disabled={worker.draining}>
                  Cordon
                </Button>
              )}
              <Button type="submit" name="command" value="drain" size="xs" variant="light" color="orange" disabled={worker.draining}>
                Drain
              </Button>
            </Group>
          </fieldset>
        </form>
      </Stack>
    </Card>
  );
}

/** The load bar's sections; the two counts above it carry the same colours as its legend. */
const LOAD_COLORS = { interactive: 'teal', batch: 'grape' } as const;

/** The worker's slots in use: interactive jobs, then batch lines, against its capacity (above it, Ollama queues). */
function LoadBar({ worker }: { worker: FleetWorker }) {
  const share = (jobs: number) => Math.min(100, (jobs / worker.capacity) * 100);
  const interactive = share(interactiveInflight(worker));
  const batch = Math.min(100 - interactive, share(batchInflight(worker)));
  return (
    <ProgressRoot size="sm" aria-label={`${worker.inflight} of ${worker.capacity} slots in use`}>
      <ProgressSection value={interactive} color={LOAD_COLORS.interactive} />
      <ProgressSection value={batch} color={LOAD_COLORS.batch} />
    </ProgressRoot>
  );
}

function Stat({ label, value, testId, swatch }: { label: string; value: string; testId?: string; swatch?: string }) {
  return (
    <Stack gap={0}>
      <Group gap={4} wrap="nowrap">
        {swatch && <ColorSwatch color={`var(--mantine-color-${swatch}-filled)`} size={8} withShadow={false} />}
        <Text size="xs" c="dimmed">
          {label}
        </Text>
      </Group>
      <Text size="sm" fw={500} data-testid={testId}>
        {value}
      </Text>
    </Stack>
  );
}
