import { Badge, Group, Stack, TableTd, TableTr, Text, Title } from '@mantine/core';
import { EmptyState } from '@/components/empty-state.tsx';
import { bytes, usd } from '@/components/format.ts';
import { ListTable, type ListColumn } from '@/components/list-table.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { fleetSnapshot } from '@/lib/fleet.ts';
import { fleetModels } from '@/lib/fleet-models.ts';
import { listAliases } from '@corral/analytics';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/session.ts';
import { DeleteAliasButton, EditAliasButton, NewAliasButton } from './alias-buttons.tsx';

export const metadata = { title: 'Models' };

const FLEET_COLUMNS: ListColumn[] = [{ label: 'Model' }, { label: 'Installed on' }, { label: 'Loaded on' }, { label: 'Size', numeric: true }, { label: 'VRAM (loaded)', numeric: true }];
const ALIAS_COLUMNS: ListColumn[] = [{ label: 'Alias' }, { label: 'Runs' }, { label: 'Overrides' }, { label: 'Price in / out per M', numeric: true }, { label: '' }];

export default async function ModelsPage() {
  const user = await requireUser();
  const [workers, aliases] = await Promise.all([fleetSnapshot(), listAliases(db())]);
  const installed = fleetModels(workers);
  const names = installed.map((model) => model.name);
  const readOnly = user.role !== 'admin';

  return (
    <Stack gap="lg">
      <PageHeader title="Models" description="What the fleet has installed and loaded (live from heartbeats), and the aliases clients call." actions={<NewAliasButton fleetModels={names} readOnly={readOnly} />} />
      <section aria-labelledby="fleet-models">
        <Title order={3} size="h4" mb="xs" id="fleet-models">
          On the fleet
        </Title>
        {installed.length === 0 ? (
          <EmptyState title="No model on any live worker" hint="Workers report their Ollama's models in their heartbeats; start a worker, or pull a model into its Ollama." />
        ) : (
          <ListTable columns={FLEET_COLUMNS} minWidth={640} highlightOnHover={false}>
            {installed.map((model) => (
              <TableTr key={model.name}>
                <TableTd>
                  <Text size="sm" fw={500}>
                    {model.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {[model.parameterSize, model.quantization].filter(Boolean).join(' · ')}
                  </Text>
                </TableTd>
                <TableTd>
                  <Text size="sm">{model.workers.join(', ')}</Text>
                </TableTd>
                <TableTd>{model.loadedOn.length ? <Text size="sm">{model.loadedOn.join(', ')}</Text> : <Text size="sm" c="dimmed">not loaded</Text>}</TableTd>
                <TableTd ta="right">{bytes(model.sizeBytes)}</TableTd>
                <TableTd ta="right">{model.loadedOn.length ? bytes(model.vramBytes) : '—'}</TableTd>
              </TableTr>
            ))}
          </ListTable>
        )}
      </section>
      <section aria-labelledby="aliases">
        <Title order={3} size="h4" mb="xs" id="aliases">
          Aliases
        </Title>
        {aliases.length === 0 ? (
          <EmptyState title="No aliases" hint="Clients can call any installed model by its own name. An alias gives it a stable name, overrides (context, think, keep-alive) and prices." />
        ) : (
          <ListTable columns={ALIAS_COLUMNS} minWidth={760} highlightOnHover={false}>
            {aliases.map((alias) => (
              <TableTr key={alias.alias}>
                <TableTd>
                  <Group gap={6}>
                    <Text size="sm" fw={500}>
                      {alias.alias}
                    </Text>
                    {!alias.visible && (
                      <Badge size="xs" color="gray">
                        hidden
                      </Badge>
                    )}
                  </Group>
                </TableTd>
                <TableTd>
                  <Text size="sm">{alias.target}</Text>
                  {!names.includes(alias.target) && names.length > 0 && (
                    <Text size="xs" c="orange">
                      not on any live worker
                    </Text>
                  )}
                </TableTd>
                <TableTd>
                  <Text size="xs" c="dimmed">
                    {overrides(alias) || 'none'}
                  </Text>
                </TableTd>
                <TableTd ta="right">
                  {usd(alias.inputPricePerMTok)} / {usd(alias.outputPricePerMTok)}
                </TableTd>
                <TableTd>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <EditAliasButton alias={alias} fleetModels={names} readOnly={readOnly} />
                    <DeleteAliasButton alias={alias.alias} readOnly={readOnly} />
                  </Group>
                </TableTd>
              </TableTr>
            ))}
          </ListTable>
        )}
      </section>
    </Stack>
  );
}

function overrides(alias: { options: Record<string, unknown>; think: unknown; keepAlive: unknown; requestTimeoutMs: number | null; excludeReasoning: boolean }): string {
  const parts = Object.entries(alias.options).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  if (alias.think !== null) parts.push(`think=${String(alias.think)}`);
  if (alias.keepAlive !== null) parts.push(`keep_alive=${String(alias.keepAlive)}`);
  if (alias.requestTimeoutMs !== null) parts.push(`timeout=${alias.requestTimeoutMs} ms`);
  if (alias.excludeReasoning) parts.push('reasoning stripped');
  return parts.join(' · ');
}
