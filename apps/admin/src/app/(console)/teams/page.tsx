import { AppLink } from '@/components/app-link.tsx';
import { Badge, TableTd, TableTr, Text } from '@mantine/core';
import { EmptyState } from '@/components/empty-state.tsx';
import { limit, modelsText, usd } from '@/components/format.ts';
import { ListTable, type ListColumn } from '@/components/list-table.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { Pager } from '@/components/pager.tsx';
import { SearchBar } from '@/components/search-bar.tsx';
import { param } from '@/lib/search-params.ts';
import { listTeams } from '@corral/analytics';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/session.ts';
import { NewTeamButton } from './team-buttons.tsx';

export const metadata = { title: 'Teams' };

const COLUMNS: ListColumn[] = [{ label: 'Name' }, { label: 'Models' }, { label: 'Limits' }, { label: 'Spent this month', numeric: true }, { label: 'Active keys', numeric: true }];

export default async function TeamsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const query = await searchParams;
  const search = param(query.q);
  const after = param(query.after);
  const { rows, next } = await listTeams(db(), { search, after });
  const readOnly = user.role !== 'admin';

  return (
    <>
      <PageHeader title="Teams" description="Teams own keys: a team's models, limits and monthly budget bound every key it owns." actions={<NewTeamButton readOnly={readOnly} />} />
      <SearchBar search={search} placeholder="Search teams by name" />
      {rows.length === 0 ? (
        <EmptyState title={search ? 'No team matches' : 'No teams yet'} hint={search ? 'Try another name.' : 'Create a team to group keys under one budget and one set of limits.'} />
      ) : (
        <ListTable columns={COLUMNS} minWidth={640}>
          {rows.map((team) => (
            <TableTr key={team.id}>
              <TableTd>
                <AppLink href={`/teams/${team.id}`} fw={500}>
                  {team.name}
                </AppLink>
              </TableTd>
              <TableTd>
                <Text size="sm" lineClamp={1}>
                  {modelsText(team.models)}
                </Text>
              </TableTd>
              <TableTd>
                <Text size="sm">
                  {limit(team.rpm, 'rpm')} · {limit(team.tpm, 'tpm')}
                </Text>
              </TableTd>
              <TableTd ta="right">
                {usd(team.spentThisMonthUsd)} {team.monthlyBudgetUsd !== null && <Text span c="dimmed" size="sm">/ {usd(team.monthlyBudgetUsd)}</Text>}
                {team.monthlyBudgetUsd !== null && team.spentThisMonthUsd >= team.monthlyBudgetUsd && (
                  <Badge color="red" ml="xs" size="sm">
                    exhausted
                  </Badge>
                )}
              </TableTd>
              <TableTd ta="right">{team.activeKeys}</TableTd>
            </TableTr>
          ))}
        </ListTable>
      )}
      <Pager basePath="/teams" params={{ q: search }} next={next} isFirst={!after} />
    </>
  );
}
