// `pnpm --filter @corral/bench profile <file.cpuprofile>… [--callers <function>]`: self-time
// hotspots of CPU profiles, or the call chains that lead to one function. Profiles written by
// `pnpm bench --profile` are read over the measured span recorded in the windows.json beside them
// (start-up excluded); other profiles are read whole.
import { repoRoot } from '@corral/testkit';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { callersOf, readProfile, renderProfile, summarizeProfile, type ProfileWindow } from './profile.ts';

const { values, positionals } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { callers: { type: 'string' } },
  allowPositionals: true,
});
if (positionals.length === 0) {
  process.stderr.write('usage: pnpm --filter @corral/bench profile <file.cpuprofile>… [--callers <function>]\n');
  process.exit(2);
}
for (const file of positionals) {
  const absolute = path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
  const windowsFile = path.join(path.dirname(absolute), 'windows.json');
  const windows = existsSync(windowsFile) ? (JSON.parse(readFileSync(windowsFile, 'utf8')) as Record<string, ProfileWindow>) : {};
  const label = path.basename(absolute).replace(/^(edge|worker)-/, '').replace(/\.cpuprofile$/, '');
  const window = windows[label];
  const name = path.relative(repoRoot, absolute);
  const profile = readProfile(absolute);
  if (values.callers) {
    const chains = callersOf(profile, values.callers, repoRoot, window ? { window } : {});
    process.stdout.write(`${name}: callers of ${values.callers} (share of its self time)\n`);
    for (const chain of chains) process.stdout.write(`  ${chain.percent.toFixed(1).padStart(5)}%  ${chain.selfMs.toFixed(0).padStart(6)} ms  ${chain.name}\n`);
    process.stdout.write('\n');
    continue;
  }
  process.stdout.write(`${renderProfile(summarizeProfile(profile, name, repoRoot, 40, window))}${window ? '' : '\n  (whole profile: no measured span recorded)'}\n\n`);
}
