import type { ReactNode } from 'react';
import { notFound } from 'next/navigation';
import { Badge, Code, Paper, SimpleGrid, Stack, Table, TableTbody, TableTd, TableTh, TableTr } from '@mantine/core';
import { AppLink } from '@/components/app-link.tsx';
import { dateTime, limit, modelsText } from '@/components/format.ts';
import { PageHeader } from '@/components/page-header.tsx';
import { SpendMeter } from '@/components/spend-meter.tsx';
import { UsageChartSlot } from '@/components/usage-chart-slot.tsx';
import { findKey, teamChoices } from '@corral/analytics';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/session.ts';
import { EditKeyButton, RevokeKeyButton } from '../key-buttons.tsx';
import { keyStatus } from '../keys-table.tsx';

export const metadata = { title: 'Key' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function KeyPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  const [key, teams] = await Promise.all([findKey(db(), id), teamChoices(db())]);
  if (!key) notFound();
  const readOnly = user.role !== 'admin';
  const status = keyStatus(key);

  return (
    <Stack gap="md">
      <PageHeader
        title={key.name}
        description={
          <>
            <AppLink href="/keys">Keys</AppLink> · <Code>{key.prefix}…</Code>{' '}
            <Badge color={status.color} variant="light" size="sm" data-testid="key-status">
              {status.label}
            </Badge>
          </>
        }
        actions={
          !key.revokedAt && (
            <>
              <EditKeyButton
                initial={{ id: key.id, name: key.name, teamId: key.teamId, models: key.models, rpm: key.rpm, tpm: key.tpm, budgetUsd: key.budgetUsd, expiresOn: key.expiresAt ? key.expiresAt.toISOString().slice(0, 10) : null }}
                teams={teams}
                readOnly={readOnly}
              />
              <RevokeKeyButton id={key.id} name={key.name} readOnly={readOnly} />
            </>
          )
        }
      />
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <SpendMeter label="Spent (lifetime)" spent={key.spentUsd} budget={key.budgetUsd} />
        <UsageChartSlot scope={{ keyId: key.id }} />
      </SimpleGrid>
      <Paper withBorder>
        <Table verticalSpacing="xs">
          <TableTbody>
            <Row label="Team">{key.teamId ? <AppLink href={`/teams/${key.teamId}`}>{key.teamName}</AppLink> : 'none'}</Row>
            <Row label="Models">{modelsText(key.models)}</Row>
            <Row label="Limits">
              {limit(key.rpm, 'rpm')} · {limit(key.tpm, 'tpm')}
            </Row>
            <Row label="Created">{dateTime(key.createdAt)}</Row>
            <Row label="Expires">{key.expiresAt ? dateTime(key.expiresAt) : 'never'}</Row>
            {key.revokedAt && <Row label="Revoked">{dateTime(key.revokedAt)}</Row>}
          </TableTbody>
        </Table>
      </Paper>
    </Stack>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <TableTr>
      <TableTh w={140}>{label}</TableTh>
      <TableTd>{children}</TableTd>
    </TableTr>
  );
}
