import { Alert, Stack } from '@mantine/core';
import { PresetRange, keyChoices, requestLog, teamChoices, topModels } from '@corral/analytics';
import { FirstRequestHint } from '@/components/analytics/first-request-hint.tsx';
import { LogPager } from '@/components/analytics/log-pager.tsx';
import { RequestLogFilters, type RequestLogFilterValues } from '@/components/analytics/request-log-filters.tsx';
import { RequestLogTable } from '@/components/analytics/request-log-table.tsx';
import { EmptyState } from '@/components/empty-state.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { db } from '@/lib/db.ts';
import { param } from '@/lib/search-params.ts';
import { requireUser } from '@/lib/session.ts';
import { parseLogParams } from './log-params.ts';

export const metadata = { title: 'Request log' };

const PAGE_ROWS = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function RequestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const query = await searchParams;
  const filters: RequestLogFilterValues = { team: param(query.team), key: param(query.key), model: param(query.model), status: param(query.status), from: param(query.from), to: param(query.to) };
  const parsed = parseLogParams({ ...filters, after: param(query.after), before: param(query.before) }, PAGE_ROWS);

  const [teams, keys, models] = await Promise.all([
    teamChoices(db()),
    keyChoices(db(), { teamId: filters.team && UUID.test(filters.team) ? filters.team : undefined, selectedKeyId: filters.key && UUID.test(filters.key) ? filters.key : undefined }),
    topModels(db(), { range: PresetRange.Month, limit: 50 }),
  ]);
  const form = <RequestLogFilters values={filters} teams={teams} keys={keys} models={models.map((model) => model.model)} />;
  const header = <PageHeader title="Request log" description="Every request, newest first (times in UTC)" />;

  if (!parsed.ok) {
    return (
      <Stack gap="md">
        {header}
        {form}
        <Alert color="red" title="Cannot filter like this" role="alert" data-testid="request-log-error">
          {parsed.message}
        </Alert>
      </Stack>
    );
  }

  const page = await requestLog(db(), parsed.query);
  const filtered = Object.values(filters).some(Boolean);
  const paged = Boolean(param(query.after) || param(query.before));
  let body;
  if (page.rows.length > 0) body = <RequestLogTable rows={page.rows} />;
  else if (filtered || paged) body = <EmptyState title="No request matches these filters" hint="Widen the time range or clear a filter." />;
  else body = <FirstRequestHint title="No requests yet" hint="Every request through the edge appears here seconds after it ends." />;

  return (
    <Stack gap="md">
      {header}
      {form}
      {body}
      <LogPager basePath="/requests" params={{ ...filters }} previousCursor={page.previousCursor} nextCursor={page.nextCursor} />
    </Stack>
  );
}
