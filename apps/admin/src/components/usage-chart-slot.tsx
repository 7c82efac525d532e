import { Group, Paper, Text } from '@mantine/core';
import { findKey, findTeam, usageSeries, type SeriesPoint } from '@corral/analytics';
import { ScopeUsageCharts, type SpendPoint } from '@/components/analytics/charts.tsx';
import { bucketLabel, count, money } from '@/components/analytics/figures.ts';
import { db } from '@/lib/db.ts';

const DAY_MS = 86_400_000;
const KEY_WINDOW_DAYS = 30;

interface ScopeChart {
  title: string;
  series: SeriesPoint[];
  /** Spend before the window's first day, so the line ends where the budget counts (lifetime or month). */
  spendBefore: number;
  budget: number | null;
  budgetLabel: string;
  now: Date;
}

/** A team's budget is monthly: its chart is this UTC month, day by day, spend restarting at the 1st. */
async function teamChart(teamId: string, now: Date): Promise<ScopeChart | null> {
  const team = await findTeam(db(), teamId);
  if (!team) return null;
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const series = await usageSeries(db(), { teamId, from, to });
  return { title: `This month (${from.toISOString().slice(0, 7)})`, series, spendBefore: 0, budget: team.monthlyBudgetUsd, budgetLabel: 'Monthly budget', now };
}

/** A key's budget is for its lifetime: the last 30 days, the spend line starting from what was spent before them. */
async function keyChart(keyId: string, now: Date): Promise<ScopeChart | null> {
  const key = await findKey(db(), keyId);
  if (!key) return null;
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const series = await usageSeries(db(), { keyId, from: new Date(today - (KEY_WINDOW_DAYS - 1) * DAY_MS), to: new Date(today + DAY_MS) });
  const windowSpend = series.reduce((sum, point) => sum + point.costUsd, 0);
  return { title: `Last ${KEY_WINDOW_DAYS} days`, series, spendBefore: Math.max(0, key.spentUsd - windowSpend), budget: key.budgetUsd, budgetLabel: 'Budget', now };
}

/** The usage chart of one key or one team: requests per day, and spend accumulating against the budget. */
export async function UsageChartSlot({ scope }: { scope: { keyId: string } | { teamId: string } }) {
  const now = new Date();
  const chart = 'keyId' in scope ? await keyChart(scope.keyId, now) : await teamChart(scope.teamId, now);
  if (!chart) return null;
  let spend = chart.spendBefore;
  const points: SpendPoint[] = chart.series.map((point) => {
    spend += point.costUsd;
    // Days still to come in the month have no spend line (they are not zero, they have not happened).
    return { label: bucketLabel(point.period, 'day'), requests: point.requests, spend: point.period.getTime() > chart.now.getTime() ? null : spend };
  });
  const requests = chart.series.reduce((sum, point) => sum + point.requests, 0);
  return (
    <Paper withBorder p="md" data-testid="usage-chart" style={{ minWidth: 0 }}>
      <Group justify="space-between" mb="xs" wrap="wrap" gap={4}>
        <Text size="sm" fw={500}>
          {chart.title}
        </Text>
        <Text size="sm" c="dimmed">
          {count(requests)} requests · {money(spend)} spent{chart.budget !== null ? ` of ${money(chart.budget)}` : ''}
        </Text>
      </Group>
      <ScopeUsageCharts points={points} budget={chart.budget} budgetLabel={chart.budgetLabel} />
    </Paper>
  );
}
