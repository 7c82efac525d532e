import { notFound } from 'next/navigation';
import { Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { AppLink } from '@/components/app-link.tsx';
import { limit, modelsText } from '@/components/format.ts';
import { PageHeader } from '@/components/page-header.tsx';
import { SpendMeter } from '@/components/spend-meter.tsx';
import { UsageChartSlot } from '@/components/usage-chart-slot.tsx';
import { findTeam, listKeys } from '@corral/analytics';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/session.ts';
import { KeysTable } from '../../keys/keys-table.tsx';
import { DeleteTeamButton, EditTeamButton } from '../team-buttons.tsx';

export const metadata = { title: 'Team' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function TeamPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const team = await findTeam(db(), id);
  if (!team) notFound();
  const keys = await listKeys(db(), { teamId: id });
  const readOnly = user.role !== 'admin';

  return (
    <Stack gap="md">
      <PageHeader
        title={team.name}
        description={
          <>
            <AppLink href="/teams">Teams</AppLink> · {modelsText(team.models)} · {limit(team.rpm, 'rpm')} · {limit(team.tpm, 'tpm')}
          </>
        }
        actions={
          <>
            <EditTeamButton team={{ id: team.id, name: team.name, models: team.models, rpm: team.rpm, tpm: team.tpm, monthlyBudgetUsd: team.monthlyBudgetUsd }} readOnly={readOnly} />
            <DeleteTeamButton id={team.id} name={team.name} readOnly={readOnly} goTo="/teams" />
          </>
        }
      />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <SpendMeter label="Spent this month (UTC)" spent={team.spentThisMonthUsd} budget={team.monthlyBudgetUsd} />
        <UsageChartSlot scope={{ teamId: team.id }} />
      </SimpleGrid>
      <Group justify="space-between">
        <Title order={3} size="h4">
          Keys
        </Title>
        <Text size="sm" c="dimmed">
          {team.activeKeys} active
        </Text>
      </Group>
      <KeysTable rows={keys.rows} />
      {keys.next && <AppLink href={`/keys?team=${team.id}`}>All of this team&apos;s keys</AppLink>}
    </Stack>
  );
}
