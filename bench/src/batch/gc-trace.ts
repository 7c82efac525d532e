/*
 * V8's `--trace-gc` lines, read back per measurement window: how often a process collected and how
 * long its main thread stood still for it. A batch beside chat users shows up here first: every
 * pause of the edge or of a worker holds the first tokens passing through it.
 */

export interface GcSummary {
  scavenges: number;
  /** Of those, the ones the process asked for itself (the edge's idle scavenges: V8 says "testing"). */
  scavengesRequested: number;
  /** Main-thread pause of all scavenges (young generation), ms. */
  scavengeMs: number;
  markCompacts: number;
  /** Main-thread time of all full collections: the final pause and the incremental marking steps before it, ms. */
  markCompactMs: number;
}

// [pid:isolate]  time ms: Scavenge 36.0 (57.1) -> 23.8 (57.1) MB, pooled: 0 MB, 2.31 / 0.00 ms  (average mu ...
// [pid:isolate]  time ms: Mark-Compact 25.6 (56.8) -> 22.6 (56.8) MB, pooled: 0 MB, 4.68 / 0.00 ms  (+ 7.2 ms in 36 steps ...
const LINE = /ms: (Scavenge|Minor Mark-Sweep|Mark-Compact(?: \(reduce\))?) [^,]*MB,(?: pooled: [\d.]+ MB,)? ([\d.]+) \/ [\d.]+ ms(?:\s+\(\+ ([\d.]+) ms in \d+ steps)?/;

export function emptyGcSummary(): GcSummary {
  return { scavenges: 0, scavengesRequested: 0, scavengeMs: 0, markCompacts: 0, markCompactMs: 0 };
}

/** Adds the collections traced in `text` (any output; other lines are skipped) to `into`. */
export function addGcTrace(text: string, into: GcSummary): GcSummary {
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const pauseMs = Number(match[2]);
    if (match[1] === 'Scavenge' || match[1] === 'Minor Mark-Sweep') {
      into.scavenges++;
      if (/\)\s+testing;/.test(line)) into.scavengesRequested++;
      into.scavengeMs += pauseMs;
    } else {
      into.markCompacts++;
      into.markCompactMs += pauseMs + Number(match[3] ?? 0);
    }
  }
  return into;
}

/** A process whose output grows as it runs (a service of the stack). */
export interface TracedProcess {
  readonly kind: string;
  output(): string;
}

/**
 * Marks where each process's output stands at a window's start; `since()` then sums what each kind
 * of process collected after the mark.
 */
export class GcWindow {
  private readonly offsets: number[];

  constructor(private readonly processes: readonly TracedProcess[]) {
    this.offsets = processes.map((process) => process.output().length);
  }

  since(): Record<string, GcSummary> {
    const byKind: Record<string, GcSummary> = {};
    this.processes.forEach((process, index) => {
      const summary = (byKind[process.kind] ??= emptyGcSummary());
      addGcTrace(process.output().slice(this.offsets[index]), summary);
    });
    for (const summary of Object.values(byKind)) roundGcTimes(summary);
    return byKind;
  }
}

/** Rounds a summary's times to 0.1 ms, in place, for reports; returns it. */
export function roundGcTimes(summary: GcSummary): GcSummary {
  summary.scavengeMs = Math.round(summary.scavengeMs * 10) / 10;
  summary.markCompactMs = Math.round(summary.markCompactMs * 10) / 10;
  return summary;
}

/** One line per kind: "edge 13 scavenges (9 requested) 112 ms, 1 full 18 ms". */
export function describeGc(byKind: Record<string, GcSummary>): string {
  return Object.entries(byKind)
    .map(([kind, gc]) => `${kind} ${gc.scavenges} scavenges${gc.scavengesRequested > 0 ? ` (${gc.scavengesRequested} requested)` : ''} ${gc.scavengeMs.toFixed(0)} ms, ${gc.markCompacts} full ${gc.markCompactMs.toFixed(0)} ms`)
    .join('; ');
}
