import { NativeSelect } from '@mantine/core';
import { PageHeader } from '@/components/page-header.tsx';
import { Pager } from '@/components/pager.tsx';
import { SearchBar } from '@/components/search-bar.tsx';
import { param } from '@/lib/search-params.ts';
import { KeyStatusFilter, listKeys, teamChoices } from '@corral/analytics';
import { db } from '@/lib/db.ts';
import { requireUser } from '@/lib/session.ts';
import { NewKeyButton } from './key-buttons.tsx';
import { KeysTable } from './keys-table.tsx';

export const metadata = { title: 'Keys' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = Object.values(KeyStatusFilter) as string[];

export default async function KeysPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const query = await searchParams;
  const search = param(query.q);
  const after = param(query.after);
  const teamParam = param(query.team);
  const teamId = teamParam && UUID.test(teamParam) ? teamParam : undefined;
  const statusParam = param(query.status);
  const status = statusParam && STATUSES.includes(statusParam) ? (statusParam as KeyStatusFilter) : KeyStatusFilter.All;
  const [{ rows, next }, teams] = await Promise.all([listKeys(db(), { search, teamId, status, after }), teamChoices(db())]);
  const readOnly = user.role !== 'admin';
  const filtered = Boolean(search || teamId || status !== KeyStatusFilter.All);

  return (
    <>
      <PageHeader title="Keys" description="API keys: shown once at creation, stored only as a hash." actions={<NewKeyButton teams={teams} readOnly={readOnly} teamId={teamId} />} />
      <SearchBar search={search} placeholder="Search keys by name or prefix">
        <NativeSelect name="team" aria-label="Team" defaultValue={teamId ?? ''} data={[{ value: '', label: 'Every team' }, ...teams]} />
        <NativeSelect name="status" aria-label="Status" defaultValue={status} data={[{ value: 'all', label: 'Any status' }, { value: 'active', label: 'Active' }, { value: 'revoked', label: 'Revoked' }]} />
      </SearchBar>
      <KeysTable rows={rows} emptyHint={filtered ? 'No key matches these filters.' : 'Create a key to call the API.'} />
      <Pager basePath="/keys" params={{ q: search, team: teamId, status: status === KeyStatusFilter.All ? undefined : status }} next={next} isFirst={!after} />
    </>
  );
}
