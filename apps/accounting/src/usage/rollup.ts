import { addLatency, type LatencyCounts } from '@corral/db';
import { UsageStatus, type UsageEvent } from '@corral/protocol';

export interface RollupMetrics {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  /** Ollama's load + prompt-eval + eval durations: the GPU time spent. */
  gpuNs: number;
  durationMsSum: number;
  /** Over the requests that had a first token (the TTFT histogram counts them). */
  ttftMsSum: number;
  ttftHistogram: LatencyCounts;
  durationHistogram: LatencyCounts;
}

export interface RollupRow extends RollupMetrics {
  keyId: string | null;
  /** The key's team at ingestion (null: no team). */
  teamId?: string | null;
  model: string;
  bucketStart: Date;
}

export interface TeamRollupRow extends RollupMetrics {
  teamId: string | null;
  bucketStart: Date;
}

function emptyMetrics(): RollupMetrics {
  return { requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, costUsd: 0, gpuNs: 0, durationMsSum: 0, ttftMsSum: 0, ttftHistogram: new Map(), durationHistogram: new Map() };
}

function addEvent(metrics: RollupMetrics, event: UsageEvent, costUsd: number): void {
  metrics.requests += 1;
  if (event.status === UsageStatus.Error) metrics.errors += 1;
  metrics.promptTokens += event.promptTokens;
  metrics.completionTokens += event.completionTokens;
  metrics.costUsd += costUsd;
  metrics.gpuNs += (event.loadDurationNs ?? 0) + (event.promptEvalDurationNs ?? 0) + (event.evalDurationNs ?? 0);
  metrics.durationMsSum += event.durationMs;
  addLatency(metrics.durationHistogram, event.durationMs);
  if (event.ttftMs !== undefined) {
    metrics.ttftMsSum += event.ttftMs;
    addLatency(metrics.ttftHistogram, event.ttftMs);
  }
}

function addMetrics(into: RollupMetrics, from: RollupMetrics): void {
  into.requests += from.requests;
  into.errors += from.errors;
  into.promptTokens += from.promptTokens;
  into.completionTokens += from.completionTokens;
  into.costUsd += from.costUsd;
  into.gpuNs += from.gpuNs;
  into.durationMsSum += from.durationMsSum;
  into.ttftMsSum += from.ttftMsSum;
  for (const [bucket, count] of from.ttftHistogram) into.ttftHistogram.set(bucket, (into.ttftHistogram.get(bucket) ?? 0) + count);
  for (const [bucket, count] of from.durationHistogram) into.durationHistogram.set(bucket, (into.durationHistogram.get(bucket) ?? 0) + count);
}

function sortedById<T>(rows: Map<string, T>): T[] {
  return [...rows.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([, row]) => row);
}

/**
 * Sums events per key × alias × period. Rows come out sorted so that concurrent replicas lock the
 * same rollup rows in the same order (no deadlocks between them).
 */
export function rollUp(events: Array<{ event: UsageEvent; costUsd: number }>, period: (date: Date) => Date): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const { event, costUsd } of events) {
    const bucketStart = period(new Date(event.startedAt));
    const id = `${event.keyId ?? ''}\u0000${event.alias}\u0000${bucketStart.getTime()}`;
    let row = rows.get(id);
    if (!row) {
      row = { keyId: event.keyId, model: event.alias, bucketStart, ...emptyMetrics() };
      rows.set(id, row);
    }
    addEvent(row, event, costUsd);
  }
  return sortedById(rows);
}

/** The key rows summed per team × period (sorted, for the same lock order everywhere). */
export function rollUpTeams(rows: RollupRow[]): TeamRollupRow[] {
  const teams = new Map<string, TeamRollupRow>();
  for (const row of rows) {
    const teamId = row.teamId ?? null;
    const id = `${teamId ?? ''}\u0000${row.bucketStart.getTime()}`;
    let team = teams.get(id);
    if (!team) {
      team = { teamId, bucketStart: row.bucketStart, ...emptyMetrics() };
      teams.set(id, team);
    }
    addMetrics(team, row);
  }
  return sortedById(teams);
}
