import { BatchStatus, isTerminalBatchStatus, type BatchRecord, type BatchRequestCounts } from '@corral/protocol';

export interface BatchKey {
  id: string;
  name: string;
  prefix: string;
}

export interface BatchRow {
  record: BatchRecord;
  /** The key that created it, from the key directory; null when it is gone or the batch was made without auth. */
  key: BatchKey | null;
}

/** What the page shows, as the server read it (and /api/batches answers). */
export interface BatchList {
  rows: BatchRow[];
  /** Every batch in the bucket (more than the rows when some were left off). */
  total: number;
  /** The server's clock when it read them (Unix seconds), for "expires in 23 h" without a clock skew between server and browser. */
  now: number;
}

/** A status's badge colour: moving is blue, done is teal, stopping is yellow, a bad end is red or orange, cancelled is grey. */
export const BATCH_STATUS_COLORS: Record<BatchStatus, string> = {
  [BatchStatus.Validating]: 'gray',
  [BatchStatus.InProgress]: 'blue',
  [BatchStatus.Finalizing]: 'indigo',
  [BatchStatus.Completed]: 'teal',
  [BatchStatus.Failed]: 'red',
  [BatchStatus.Expired]: 'orange',
  [BatchStatus.Cancelling]: 'yellow',
  [BatchStatus.Cancelled]: 'gray',
};

/** Still moving: the page keeps refreshing while any batch is. */
export function isActiveBatch(record: Pick<BatchRecord, 'status'>): boolean {
  return !isTerminalBatchStatus(record.status);
}

/** Only these may be cancelled from the page (a finalizing batch has every line in already). */
export function isCancellable(record: Pick<BatchRecord, 'status' | 'stop'>): boolean {
  return record.stop === null && (record.status === BatchStatus.Validating || record.status === BatchStatus.InProgress);
}

/** When the batch ended, whichever way (Unix seconds), or null while it runs. */
export function finishedAt(record: BatchRecord): number | null {
  return record.completedAt ?? record.failedAt ?? record.expiredAt ?? record.cancelledAt;
}

export interface BatchProgress {
  /** Lines with results (completed or failed). */
  done: number;
  /** Shares of the total for the bar's two sections, in percent (0 when the total is not known yet). */
  completedShare: number;
  failedShare: number;
  /** Whole percent done, rounded down: 100 only when every line is in. */
  percent: number;
}

export function batchProgress(counts: BatchRequestCounts): BatchProgress {
  const done = counts.completed + counts.failed;
  if (counts.total === 0) return { done, completedShare: 0, failedShare: 0, percent: 0 };
  return {
    done,
    completedShare: Math.min(100, (counts.completed * 100) / counts.total),
    failedShare: Math.min(100, (counts.failed * 100) / counts.total),
    percent: Math.min(100, Math.floor((done * 100) / counts.total)),
  };
}

/** Unix seconds as the console's other times read (UTC, to the minute). */
export function batchTime(seconds: number | null): Date | null {
  return seconds === null ? null : new Date(seconds * 1000);
}

/** A span of seconds in the largest unit that keeps it readable: `45 s`, `12 min`, `23 h`, `3 d`. */
export function timeSpan(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.floor(seconds))} s`;
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.floor(seconds / 3_600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}
