// `pnpm --filter @corral/bench line-up <timings.json> <perf-script.txt>`: what was on the CPU while
// the slowest first tokens of `pnpm bench:batch --timings` waited. Record the machine beside the run
// with `perf record -a -F 997 -k CLOCK_MONOTONIC -o perf.data`, then
// `perf script -i perf.data -F comm,pid,tid,cpu,time > perf-script.txt`: both files stamp
// CLOCK_MONOTONIC, so each stream's wait for its first token lines up with the samples taken in it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summarize } from '../stats.ts';
import { coresDuring, parsePerfScript } from './on-cpu.ts';

interface Timings {
  pids: Record<string, string>;
  windows: Array<{ batch: boolean; streams: Array<[number, number, number]> }>;
}

function main(): void {
  const { positionals } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== '--'), allowPositionals: true });
  if (positionals.length !== 2) {
    process.stderr.write('usage: pnpm --filter @corral/bench line-up <timings.json> <perf-script.txt>\n');
    process.exit(2);
  }
  const resolve = (file: string) => path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
  const timings = JSON.parse(readFileSync(resolve(positionals[0]!), 'utf8')) as Timings;
  const pids = new Map(Object.entries(timings.pids).map(([pid, kind]) => [Number(pid), kind]));
  const samples = parsePerfScript(readFileSync(resolve(positionals[1]!), 'utf8'), pids);
  const format = (cores: Array<[string, number]>) => cores.slice(0, 10).map(([kind, value]) => `${kind} ${value.toFixed(2)}`).join(', ');
  for (const [index, window] of timings.windows.entries()) {
    const byTtft = [...window.streams].sort((a, b) => a[1] - a[0] - (b[1] - b[0]));
    // The same percentiles as the bench's report, so a window reads the same here and there.
    const ttft = summarize(byTtft.map(([sentAt, firstAt]) => firstAt - sentAt));
    process.stdout.write(`window ${index + 1} (${window.batch ? 'beside a batch' : 'without'}): ${byTtft.length} streams, TTFT p50 ${ttft.p50.toFixed(1)} p99 ${ttft.p99.toFixed(1)} ms\n`);
    process.stdout.write(`  middle fifth: ${format(coresDuring(samples, byTtft.slice(Math.floor(byTtft.length * 0.4), Math.floor(byTtft.length * 0.6))))}\n`);
    process.stdout.write(`  slowest 2 %:  ${format(coresDuring(samples, byTtft.slice(Math.floor(byTtft.length * 0.98))))}\n`);
  }
}

main();
