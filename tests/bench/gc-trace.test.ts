import { describe, expect, it } from 'vitest';
import { addGcTrace, emptyGcSummary, GcWindow } from '../../bench/src/batch/gc-trace.ts';

// `node --trace-gc` lines as V8 13 prints them, between a service's own log lines.
const TRACE = [
  '[10776:0xdb59000]    52265 ms: Scavenge 36.0 (57.1) -> 23.8 (57.1) MB, pooled: 0 MB, 2.31 / 0.00 ms  (average mu = 0.999, current mu = 1.000) task; ',
  '{"level":40,"msg":"job failed"}',
  '[10776:0xdb59000]    39714 ms: Mark-Compact 25.6 (56.8) -> 22.6 (56.8) MB, pooled: 0 MB, 4.68 / 0.00 ms  (+ 7.2 ms in 36 steps since start of marking, biggest step 5.6 ms, walltime since start of marking 19 ms) (average mu = 0.999, current mu = 1.000) finalize incremental marking via task; GC in old space requested',
  '[10776:0xdb59000]    57638 ms: Scavenge 36.6 (57.1) -> 24.8 (57.1) MB, pooled: 0 MB, 3.81 / 0.00 ms  (average mu = 0.999, current mu = 1.000) allocation failure; ',
  '[10776:0xdb59000]    58000 ms: Scavenge 20.5 (57.1) -> 14.1 (57.1) MB, pooled: 0 MB, 1.50 / 0.00 ms  (average mu = 0.999, current mu = 1.000) testing; ',
  '[10776:0xdb59000]    60000 ms: Mark-Compact (reduce) 20.1 (30.0) -> 12.0 (28.0) MB, 9.50 / 0.00 ms  (average mu = 0.990, current mu = 0.980) low memory notification; GC in old space requested',
].join('\n');

describe('addGcTrace', () => {
  it('counts scavenges and full collections with their main-thread time, marking steps included, and skips other lines', () => {
    expect(addGcTrace(TRACE, emptyGcSummary())).toEqual({ scavenges: 3, scavengesRequested: 1, scavengeMs: 2.31 + 3.81 + 1.5, markCompacts: 2, markCompactMs: 4.68 + 7.2 + 9.5 });
  });
});

describe('GcWindow', () => {
  it('sums per kind only what each process traced after the window began', () => {
    const edge = { kind: 'edge', text: TRACE.split('\n')[0]! };
    const workers = [
      { kind: 'workers', text: '' },
      { kind: 'workers', text: TRACE.split('\n')[2]! },
    ];
    const window = new GcWindow([edge, ...workers].map((process) => ({ kind: process.kind, output: () => process.text })));
    edge.text += `\n${TRACE.split('\n')[3]!}`;
    workers[0]!.text += TRACE;
    expect(window.since()).toEqual({
      edge: { scavenges: 1, scavengesRequested: 0, scavengeMs: 3.8, markCompacts: 0, markCompactMs: 0 },
      workers: { scavenges: 3, scavengesRequested: 1, scavengeMs: 7.6, markCompacts: 2, markCompactMs: 21.4 },
    });
  });
});
