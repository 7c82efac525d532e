'use client';

import { AreaChart, BarChart } from '@mantine/charts';
import { Stack, Text } from '@mantine/core';
import { compact, count, money } from './figures.ts';

/** Chart rows are plain records keyed by the bucket's label (computed on the server, in UTC). */
export interface RequestPoint {
  label: string;
  requests: number;
  errors: number;
}

export interface TokenPoint {
  label: string;
  input: number;
  output: number;
}

const axis = { tickFormatter: (value: number) => compact(value) };
/** Dollar ticks: cents below $10 (compact notation would print $0.05 as "$0"), compact above. */
const dollarTick = (value: number) => (Math.abs(value) < 10 ? `$${value.toFixed(value === 0 ? 0 : 2)}` : `$${compact(value)}`);
const CHART_HEIGHT = 240;

export function RequestsChart({ points }: { points: RequestPoint[] }) {
  return (
    <AreaChart
      h={CHART_HEIGHT}
      data={points}
      dataKey="label"
      series={[
        { name: 'requests', label: 'Requests', color: 'teal.6' },
        { name: 'errors', label: 'Errors', color: 'red.6' },
      ]}
      curveType="monotone"
      withLegend
      valueFormatter={count}
      yAxisProps={axis}
      xAxisProps={{ minTickGap: 24 }}
      withDots={false}
      aria-label="Requests and errors over the range"
    />
  );
}

export function TokensChart({ points }: { points: TokenPoint[] }) {
  return (
    <BarChart
      h={CHART_HEIGHT}
      data={points}
      dataKey="label"
      type="stacked"
      series={[
        { name: 'input', label: 'Input tokens', color: 'blue.6' },
        { name: 'output', label: 'Output tokens', color: 'grape.5' },
      ]}
      withLegend
      valueFormatter={count}
      yAxisProps={axis}
      xAxisProps={{ minTickGap: 24 }}
      aria-label="Input and output tokens over the range"
    />
  );
}

const PALETTE = ['teal.6', 'blue.6', 'grape.6', 'orange.6', 'cyan.6', 'pink.6', 'lime.7', 'indigo.5', 'yellow.6', 'red.5'];

export const UsageMetric = { Requests: 'requests', Cost: 'costUsd', PromptTokens: 'promptTokens', CompletionTokens: 'completionTokens' } as const;
export type UsageMetric = (typeof UsageMetric)[keyof typeof UsageMetric];

/**
 * The top groups stacked per bucket. Rows carry g0…gN keys, not the group names: recharts reads a
 * dotted key as a path, and model names have dots.
 */
export function StackedUsageChart({ data, groups, metric }: { data: Array<Record<string, number | string>>; groups: string[]; metric: UsageMetric }) {
  const format = metric === UsageMetric.Cost ? money : count;
  return (
    <BarChart
      h={320}
      data={data}
      dataKey="label"
      type="stacked"
      series={groups.map((group, index) => ({ name: `g${index}`, label: group, color: group === 'other' ? 'gray.5' : (PALETTE[index % PALETTE.length] ?? 'gray.6') }))}
      withLegend
      legendProps={{ verticalAlign: 'bottom', wrapperStyle: { paddingTop: 8 } }}
      valueFormatter={format}
      yAxisProps={{ tickFormatter: metric === UsageMetric.Cost ? dollarTick : compact }}
      xAxisProps={{ minTickGap: 24 }}
      aria-label="Usage per group, stacked"
    />
  );
}

export interface SpendPoint {
  label: string;
  requests: number;
  /** Null for days still to come. */
  spend: number | null;
}

/** Requests per day, and spend accumulating toward the budget (a red line when there is one). */
export function ScopeUsageCharts({ points, budget, budgetLabel }: { points: SpendPoint[]; budget: number | null; budgetLabel: string }) {
  const spent = Math.max(0, ...points.map((point) => point.spend ?? 0));
  // A budget far above the spend would flatten the line to the axis: then the scale follows the spend and the budget stays in the caption.
  const highest = budget !== null && budget <= spent * 2 ? Math.max(budget, spent) : spent;
  return (
    <Stack gap="xs">
      <Text size="xs" c="dimmed">
        Requests per day
      </Text>
      <BarChart
        h={140}
        data={points}
        dataKey="label"
        series={[{ name: 'requests', label: 'Requests', color: 'teal.6' }]}
        valueFormatter={count}
        yAxisProps={{ ...axis, width: 52 }}
        xAxisProps={{ minTickGap: 24 }}
        aria-label="Requests per day"
      />
      <Text size="xs" c="dimmed">
        Spend, accumulated{budget === null ? ' (no budget)' : ''}
      </Text>
      <AreaChart
        h={140}
        data={points}
        dataKey="label"
        series={[{ name: 'spend', label: 'Spend', color: 'orange.6' }]}
        valueFormatter={money}
        yAxisProps={{ tickFormatter: dollarTick, width: 52, domain: [0, highest > 0 ? highest * 1.05 : 1] }}
        xAxisProps={{ minTickGap: 24 }}
        referenceLines={budget === null ? [] : [{ y: budget, label: budgetLabel, color: 'red.6' }]}
        withDots={false}
        aria-label="Spend against the budget"
      />
    </Stack>
  );
}
