// `pnpm --filter @corral/bench show [report.json] [--markdown]`: prints the tables of a saved report
// again (default bench/results/latest.json); --markdown prints the latency table for BENCHMARKS.md.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderCpuTable, renderFloor, renderHopLatency, renderMarkdown, renderTable, renderTargets, type Report } from './report.ts';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== '--'), options: { markdown: { type: 'boolean' } }, allowPositionals: true });
const argument = positionals[0];
const file = argument ? path.resolve(process.env.INIT_CWD ?? process.cwd(), argument) : path.join(benchDir, 'results/latest.json');
const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
if (values.markdown) {
  process.stdout.write(`${renderMarkdown(report.cells)}\n`);
  process.exit(0);
}
const { machine } = report;
process.stdout.write(
  `${report.startedAt}: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.os}; code ${report.revision.commit}${report.revision.uncommitted.length > 0 ? ' (+ uncommitted changes)' : ''}\n` +
    `${renderTable(report.cells)}\n\n${renderTargets(report.targets)}\n\n${renderFloor(report.cells)}\n\n${renderCpuTable(report.cells)}\n` +
    (report.hopLatency ? `\n${renderHopLatency(report.hopLatency)}\n` : '') +
    report.notes.map((note) => `note: ${note}\n`).join(''),
);
