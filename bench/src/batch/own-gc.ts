/*
 * The load generator's own garbage collections. It is the process that times every first token, so
 * a pause of its own reads as a slower first token for every stream it holds at that moment: the
 * line-up of 2026-12-08 found its collector threads busy in the slowest 2 % of some windows.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { emptyGcSummary, roundGcTimes, type GcSummary } from './gc-trace.ts';

/**
 * Collects this process's whole heap now (nothing where the runtime does not offer it), then lets
 * the task run that makes its performance entry, so an observer started afterwards never counts it.
 */
export async function collectOwnGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  // `gc` is only exposed to contexts created after the flag is set, hence the fresh context.
  const gc: unknown = runInNewContext('gc');
  if (typeof gc === 'function') (gc as () => void)();
  await nextTask();
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** This process's collections while `work` runs, from node's `gc` performance entries. */
export async function withOwnCollections<T>(work: () => Promise<T>): Promise<{ result: T; gc: GcSummary }> {
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => entries.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  try {
    const result = await work();
    // Node makes a collection's entry in a task after it: let one run, then take what is buffered.
    await nextTask();
    entries.push(...observer.takeRecords());
    return { result, gc: summarizeCollections(entries) };
  } finally {
    observer.disconnect();
  }
}

/** Entries of type `gc` as a GcSummary: minor ones are scavenges, major and incremental steps full collections' time. */
export function summarizeCollections(entries: readonly PerformanceEntry[]): GcSummary {
  const summary = emptyGcSummary();
  for (const entry of entries) {
    const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      summary.scavenges++;
      summary.scavengeMs += entry.duration;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      summary.markCompacts++;
      summary.markCompactMs += entry.duration;
    } else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) {
      summary.markCompactMs += entry.duration;
    }
  }
  return roundGcTimes(summary);
}
