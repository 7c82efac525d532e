import type { ReactNode } from 'react';
import { Alert, Button, Stack } from '@mantine/core';
import { addTotals, bucketStarts, emptyTotals, stackBreakdown, usageBreakdown, type BreakdownRow } from '@corral/analytics';
import { ChartPanel } from '@/components/analytics/chart-panel.tsx';
import { StackedUsageChart, UsageMetric } from '@/components/analytics/charts.tsx';
import { bucketLabel } from '@/components/analytics/figures.ts';
import { FirstRequestHint } from '@/components/analytics/first-request-hint.tsx';
import { UsageFilters, METRIC_CHOICES } from '@/components/analytics/usage-form.tsx';
import { parseUsageQuery, usageSearch, type UsageForm } from '@/components/analytics/usage-query.ts';
import { UsageTable, type UsageTotalRow } from '@/components/analytics/usage-table.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { db } from '@/lib/db.ts';
import { param } from '@/lib/search-params.ts';
import { requireUser } from '@/lib/session.ts';

export const metadata = { title: 'Usage' };

/** Groups drawn separately in the chart; the rest are stacked as "other". */
const CHART_GROUPS = 8;
const METRICS = METRIC_CHOICES.map((choice) => choice.value);

export default async function UsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const query = await searchParams;
  const fields = { group: param(query.group), granularity: param(query.granularity), from: param(query.from), to: param(query.to) };
  const parsed = parseUsageQuery(fields);
  const metricParam = param(query.metric);
  const metric = (metricParam && METRICS.includes(metricParam) ? metricParam : UsageMetric.Requests) as UsageMetric;

  const header = (actions?: ReactNode) => <PageHeader title="Usage" description="By team, key or model, per day or hour (UTC)" actions={actions} />;
  if (!parsed.ok) {
    return (
      <Stack gap="md">
        {header()}
        <UsageFilters form={parsed.form} metric={metric} />
        <Alert color="red" title="Cannot show this range" role="alert" data-testid="usage-error">
          {parsed.message}
        </Alert>
      </Stack>
    );
  }

  const rows = await usageBreakdown(db(), parsed.query);
  const csvLink = (
    <Button component="a" href={`/api/usage/csv?${usageSearch(parsed.form)}`} variant="default" size="xs">
      Export CSV
    </Button>
  );
  if (rows.length === 0) {
    return (
      <Stack gap="md">
        {header()}
        <UsageFilters form={parsed.form} metric={metric} />
        <FirstRequestHint title={`No usage from ${parsed.form.from} to ${parsed.form.to}`} hint="Pick a wider range, or make a first request: figures appear here seconds after it." />
      </Stack>
    );
  }

  const stacked = chartRows(rows, parsed.query, metric);
  return (
    <Stack gap="md">
      {header(csvLink)}
      <UsageFilters form={parsed.form} metric={metric} />
      <ChartPanel title={`${METRIC_CHOICES.find((choice) => choice.value === metric)?.label ?? 'Requests'} per ${parsed.form.granularity}, top ${CHART_GROUPS} ${parsed.form.group}s`} testId="usage-chart">
        <StackedUsageChart data={stacked.data} groups={stacked.groups} metric={metric} />
      </ChartPanel>
      <UsageTable rows={totalsPerGroup(rows, parsed.form)} />
    </Stack>
  );
}

/** The stacked chart's rows: every bucket of the range (zero-filled), groups as g0…gN. */
function chartRows(rows: BreakdownRow[], query: { from: Date; to: Date; granularity: 'day' | 'hour' }, metric: UsageMetric) {
  const { groups, points } = stackBreakdown(rows, CHART_GROUPS, metric);
  const byTime = new Map(points.map((point) => [point.period.getTime(), point]));
  const data = bucketStarts(query).map((period) => {
    const point = byTime.get(period.getTime());
    const row: Record<string, number | string> = { label: bucketLabel(period, query.granularity) };
    groups.forEach((group, index) => {
      row[`g${index}`] = point ? Number(point[group] ?? 0) : 0;
    });
    return row;
  });
  return { groups, data };
}

/** The table's rows: each group's totals over the range, most requests first. */
function totalsPerGroup(rows: BreakdownRow[], form: UsageForm): UsageTotalRow[] {
  const byGroup = new Map<string, UsageTotalRow>();
  for (const row of rows) {
    const id = row.groupId ?? `none:${row.groupName}`;
    const total = byGroup.get(id) ?? { group: form.group, groupId: row.groupId, groupName: row.groupName, ...emptyTotals() };
    addTotals(total, row);
    byGroup.set(id, total);
  }
  return [...byGroup.values()].sort((left, right) => right.requests - left.requests);
}
