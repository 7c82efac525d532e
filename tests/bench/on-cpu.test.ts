import { describe, expect, it } from 'vitest';
import { coresDuring, parsePerfScript } from '../../bench/src/batch/on-cpu.ts';

// `perf script -F comm,pid,tid,cpu,time` output, as perf prints it (comm padded, may hold spaces).
const PERF_SCRIPT = [
  '         swapper     0/0     [000]   100.000000: ',
  '            node  4242/4242  [001]   100.000500: ',
  '            node  4242/4250  [000]   100.001000: ',
  '        postgres  7001/7001  [001]   100.001500: ',
  ' kworker/1:1H-kb    46/46    [001]   100.002000: ',
  '     1_scheduler  2977/2990  [000]   100.004000: ',
  'not a sample line',
].join('\n');

describe('parsePerfScript', () => {
  it('names each sample by the Corral process it found (any of its threads), idle, postgres or the other command', () => {
    const samples = parsePerfScript(PERF_SCRIPT, new Map([[4242, 'edge']]));
    expect(samples.at).toEqual([100_000, 100_000.5, 100_001, 100_001.5, 100_002, 100_004]);
    expect(samples.kind).toEqual(['idle', 'edge', 'edge', 'postgres', 'other:kworker/1:1H-kb', 'other:1_scheduler']);
  });
});

describe('coresDuring', () => {
  it('counts the samples inside each stream\'s wait for its first token, per ms waited', () => {
    const samples = parsePerfScript(PERF_SCRIPT, new Map([[4242, 'edge']]));
    // Waits of 2 ms (100 000.4 .. 100 002.4) and 1 ms (100 003.5 .. 100 004.5): 3 ms in all.
    const cores = coresDuring(samples, [
      [100_000.4, 100_002.4, 100_010],
      [100_003.5, 100_004.5, 100_010],
    ]);
    expect(Object.fromEntries(cores)).toEqual({ edge: 2 / 3, postgres: 1 / 3, 'other:kworker/1:1H-kb': 1 / 3, 'other:1_scheduler': 1 / 3 });
    expect(cores[0]![0]).toBe('edge');
  });
});
