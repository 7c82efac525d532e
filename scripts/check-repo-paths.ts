/**
 * A user's clone is all there is: no code, test or script may read a file beside the repository
 * (a sibling `shared/` folder, a developer's absolute path). This scans every tracked source file
 * for path literals that resolve outside the repository. Cheap enough to run before every test run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
const sources = execFileSync('git', ['ls-files', '-z', '--', '*.ts', '*.tsx', '*.js', '*.mjs', '*.cjs', '*.json', '*.sh', '.ci/*'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file !== '' && file !== 'pnpm-lock.yaml');

/** Quoted relative paths that climb (`'../x'`), `'..'` segments followed by a name, absolute home paths. */
const climbing = /['"`]((?:\.\.\/)+[^'"`\s]*)['"`]/g;
const segments = /['"`]\.\.['"`]\s*,\s*['"`]([\w.-]+)['"`]/g;
const absolute = /['"`](\/(?:work|home|Users|root)\/[^'"`\s]*)['"`]/g;

const outside = (path: string): boolean => relative(root, path).startsWith('..');
const problems: string[] = [];

for (const file of sources) {
  const text = readFileSync(join(root, file), 'utf8');
  const directory = dirname(join(root, file));
  text.split('\n').forEach((line, index) => {
    const where = `${file}:${index + 1}: ${line.trim()}`;
    for (const match of line.matchAll(climbing)) {
      // Module specifiers and file URLs resolve against the file's own folder.
      if (outside(resolve(directory, match[1]!))) problems.push(where);
    }
    for (const match of line.matchAll(segments)) {
      // A join from the repository root through a parent segment to a name leaves the repository.
      if (match[1] !== '..' && /\broot\b|repositor/i.test(line)) problems.push(where);
    }
    for (const _ of line.matchAll(absolute)) problems.push(where);
  });
}

if (problems.length > 0) {
  console.error('These lines read a path outside the repository; copy what they need into it:');
  for (const problem of new Set(problems)) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(`no path outside the repository is read (${sources.length} files checked)`);
