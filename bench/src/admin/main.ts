// `pnpm bench:admin`: every admin page's server-side query against a seeded scratch database
// (10 million usage rows by default); see BENCHMARKS.md, "Admin analytics at 10 million rows".
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_USAGE, parseAdminOptions } from './options.ts';
import { renderAdminReport } from './report.ts';
import { overLimit, runAdminBench } from './run.ts';

const resultsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../results');
const log = (line: string) => process.stderr.write(`${line}\n`);

let options;
try {
  options = parseAdminOptions(process.argv.slice(2), process.env);
} catch (error) {
  log(`${(error as Error).message}\n\n${ADMIN_USAGE}`);
  process.exit(2);
}
if (options === 'help') {
  process.stdout.write(ADMIN_USAGE);
  process.exit(0);
}

const report = await runAdminBench(options, log);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(path.join(resultsDir, 'admin-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${renderAdminReport(report, options.limitMs)}\n`);
const slow = overLimit(report, options.limitMs);
if (slow.length > 0) {
  log(`\np95 at or over ${options.limitMs} ms: ${slow.join(', ')}`);
  process.exitCode = 1;
}
