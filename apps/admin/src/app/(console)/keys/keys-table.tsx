import { Badge, Code, TableTd, TableTr, Text } from '@mantine/core';
import { AppLink } from '@/components/app-link.tsx';
import { EmptyState } from '@/components/empty-state.tsx';
import { day, modelsText, usd } from '@/components/format.ts';
import { ListTable, type ListColumn } from '@/components/list-table.tsx';
import type { KeyRow } from '@corral/analytics';

export function keyStatus(key: Pick<KeyRow, 'revokedAt' | 'expiresAt'>): { label: string; color: string } {
  if (key.revokedAt) return { label: 'revoked', color: 'red' };
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return { label: 'expired', color: 'orange' };
  return { label: 'active', color: 'teal' };
}

const COLUMNS: ListColumn[] = [
  { label: 'Name' },
  { label: 'Prefix' },
  { label: 'Team' },
  { label: 'Models' },
  { label: 'Spent / budget', numeric: true },
  { label: 'Expires' },
  { label: 'Status' },
];

export function KeysTable({ rows, emptyHint }: { rows: KeyRow[]; emptyHint?: string }) {
  if (rows.length === 0) return <EmptyState title="No keys" hint={emptyHint} />;
  return (
    <ListTable columns={COLUMNS} minWidth={760}>
      {rows.map((key) => {
        const status = keyStatus(key);
        return (
          <TableTr key={key.id}>
            <TableTd>
              <AppLink href={`/keys/${key.id}`} fw={500}>
                {key.name}
              </AppLink>
            </TableTd>
            <TableTd>
              <Code>{key.prefix}…</Code>
            </TableTd>
            <TableTd>{key.teamId ? <AppLink href={`/teams/${key.teamId}`}>{key.teamName}</AppLink> : <Text c="dimmed" size="sm">none</Text>}</TableTd>
            <TableTd>
              <Text size="sm" lineClamp={1}>
                {modelsText(key.models)}
              </Text>
            </TableTd>
            <TableTd ta="right">
              {usd(key.spentUsd)}
              {key.budgetUsd !== null && (
                <Text span c="dimmed" size="sm">
                  {' '}
                  / {usd(key.budgetUsd)}
                </Text>
              )}
            </TableTd>
            <TableTd>{day(key.expiresAt)}</TableTd>
            <TableTd>
              <Badge color={status.color} variant="light" size="sm">
                {status.label}
              </Badge>
            </TableTd>
          </TableTr>
        );
      })}
    </ListTable>
  );
}
