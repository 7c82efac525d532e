import { UsageStatus, type UsageEvent } from '@corral/protocol';

export interface RollupRow {
  keyId: string | null;
  model: string;
  bucketStart: Date;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
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
      row = { keyId: event.keyId, model: event.alias, bucketStart, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
      rows.set(id, row);
    }
    row.requests += 1;
    if (event.status === UsageStatus.Error) row.errors += 1;
    row.promptTokens += event.promptTokens;
    row.completionTokens += event.completionTokens;
    row.costUsd += costUsd;
  }
  return [...rows.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)).map(([, row]) => row);
}
