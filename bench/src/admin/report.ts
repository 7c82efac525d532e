import type { AdminBenchReport } from './run.ts';

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–');

/** The report as a Markdown table (what BENCHMARKS.md shows). */
export function renderAdminReport(report: AdminBenchReport, limitMs: number): string {
  const lines = [
    `${report.rows.toLocaleString('en')} usage rows, ${report.runs} runs per query, PostgreSQL ${report.postgres}; ${report.machine.cpuModel}, ${report.machine.cores} cores, ${report.machine.memoryGiB} GiB, load ${report.machine.loadAverage1m} at start`,
    report.seedMs === null ? 'seed: reused' : `seed: ${(report.seedMs / 1000).toFixed(1)} s`,
    '',
    '| query | page | p50 ms | p95 ms | max ms | EXPLAIN ms | seq scan on usage | top plan node |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |',
  ];
  for (const result of report.cases) {
    const flag = result.p95 >= limitMs ? ' ⚠' : '';
    lines.push(
      `| ${result.name} | ${result.page} | ${ms(result.p50)} | ${ms(result.p95)}${flag} | ${ms(result.max)} | ${ms(result.executionMs)} | ${result.seqScanOnUsage ? 'yes' : 'no'} | ${result.topNode} |`,
    );
  }
  const { csv } = report;
  lines.push(`| CSV export by key 30 d daily, first line | usage | ${ms(csv.firstLine.p50)} | ${ms(csv.firstLine.p95)} | ${ms(csv.firstLine.max)} | | | |`);
  lines.push(
    `| CSV export by key 30 d daily, all ${csv.lines} lines | usage | ${ms(csv.total.p50)} | ${ms(csv.total.p95)} | ${ms(csv.total.max)} | ${ms(csv.plan.executionMs)} (${csv.plan.statements} statements) | ${csv.plan.seqScanOnUsage ? 'yes' : 'no'} | ${csv.plan.topNode} |`,
  );
  return lines.join('\n');
}
