import { SimpleGrid, Stack, Title } from '@mantine/core';
import { PresetRange, overview, topKeys, topModels, topTeams } from '@corral/analytics';
import { RequestsChart, TokensChart } from '@/components/analytics/charts.tsx';
import { ChartPanel } from '@/components/analytics/chart-panel.tsx';
import { bucketLabel, compact, count, duration, milliseconds, money, percent } from '@/components/analytics/figures.ts';
import { FirstRequestHint } from '@/components/analytics/first-request-hint.tsx';
import { RangePicker } from '@/components/analytics/range-picker.tsx';
import { StatCard } from '@/components/analytics/stat-card.tsx';
import { TopKeysTable, TopModelsTable, TopTeamsTable } from '@/components/analytics/top-tables.tsx';
import { InflightNow } from '@/components/inflight-now.tsx';
import { PageHeader } from '@/components/page-header.tsx';
import { db } from '@/lib/db.ts';
import { fleetSnapshot } from '@/lib/fleet.ts';
import { param } from '@/lib/search-params.ts';
import { requireUser } from '@/lib/session.ts';

export const metadata = { title: 'Overview' };

const RANGES = Object.values(PresetRange) as string[];
const RANGE_WORDS: Record<PresetRange, string> = { '24h': 'the last 24 hours', '7d': 'the last 7 days', '30d': 'the last 30 days' };
const TOP = 5;

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireUser();
  const asked = param((await searchParams).range);
  // An unknown range reads as the default rather than an error: the picker offers only these three.
  const range = (asked && RANGES.includes(asked) ? asked : PresetRange.Day) as PresetRange;
  const now = new Date();
  const [figures, teams, keys, models, fleet] = await Promise.all([
    overview(db(), { range, now }),
    topTeams(db(), { range, now, limit: TOP }),
    topKeys(db(), { range, now, limit: TOP }),
    topModels(db(), { range, now, limit: TOP }),
    fleetSnapshot(),
  ]);
  const { totals, ttftMs, durationMs, series } = figures;
  const granularity = figures.range.granularity;
  const header = <PageHeader title="Overview" description={`Requests, tokens, latency and spend over ${RANGE_WORDS[range]} (UTC, from the rollups)`} actions={<RangePicker current={range} />} />;

  if (totals.requests === 0) {
    return (
      <Stack gap="md">
        {header}
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
          <InflightNow initial={fleet} />
        </SimpleGrid>
        <FirstRequestHint title={`No requests in ${RANGE_WORDS[range]}`} />
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      {header}
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
        <StatCard label="Requests" value={count(totals.requests)} testId="stat-requests" />
        <StatCard label="Input tokens" value={compact(totals.promptTokens)} detail={count(totals.promptTokens)} testId="stat-input-tokens" />
        <StatCard label="Output tokens" value={compact(totals.completionTokens)} detail={count(totals.completionTokens)} testId="stat-output-tokens" />
        <StatCard label="Errors" value={count(totals.errors)} detail={`${percent(totals.errors, totals.requests)} of requests`} testId="stat-errors" />
        <StatCard label="Cost" value={money(totals.costUsd)} testId="stat-cost" />
        <StatCard label="TTFT p50" value={milliseconds(ttftMs.p50)} detail={`p95 ${milliseconds(ttftMs.p95)}`} testId="stat-ttft" />
        <StatCard label="Latency p50" value={milliseconds(durationMs.p50)} detail={`p95 ${milliseconds(durationMs.p95)}`} testId="stat-latency" />
        <StatCard label="GPU time" value={duration(totals.gpuSeconds)} detail="load + prompt + generation" testId="stat-gpu" />
        <InflightNow initial={fleet} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartPanel title="Requests">
          <RequestsChart points={series.map((point) => ({ label: bucketLabel(point.period, granularity), requests: point.requests, errors: point.errors }))} />
        </ChartPanel>
        <ChartPanel title="Tokens">
          <TokensChart points={series.map((point) => ({ label: bucketLabel(point.period, granularity), input: point.promptTokens, output: point.completionTokens }))} />
        </ChartPanel>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, xl: 3 }}>
        <Stack gap="xs">
          <Title order={3} size="h5">
            Top teams
          </Title>
          <TopTeamsTable rows={teams} />
        </Stack>
        <Stack gap="xs">
          <Title order={3} size="h5">
            Top keys
          </Title>
          <TopKeysTable rows={keys} />
        </Stack>
        <Stack gap="xs">
          <Title order={3} size="h5">
            Top models
          </Title>
          <TopModelsTable rows={models} />
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}
