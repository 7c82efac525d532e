/**
 * Builds the admin app for production when its build is missing or older than any of its sources
 * (its own files and the workspace packages it compiles in). Tests and the launcher run it before
 * `next start`, so a fresh clone works and an unchanged tree costs a few file stats.
 *
 *   pnpm --filter @corral/admin ensure-build [--force]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(appRoot, '../..');
const buildMarker = path.join(appRoot, '.next', 'BUILD_ID');
/** What a build is made of: the app and every workspace package it compiles in. */
const sources = [
  path.join(appRoot, 'src'),
  path.join(appRoot, 'next.config.ts'),
  path.join(appRoot, 'package.json'),
  path.join(appRoot, 'tsconfig.json'),
  ...['bus', 'config', 'db', 'log', 'protocol'].map((name) => path.join(repoRoot, 'packages', name, 'src')),
  path.join(repoRoot, 'pnpm-lock.yaml'),
];

function newestChange(entry: string): number {
  let stats;
  try {
    stats = statSync(entry);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const child of readdirSync(entry)) {
    if (child === 'node_modules' || child.startsWith('.')) continue;
    newest = Math.max(newest, newestChange(path.join(entry, child)));
  }
  return newest;
}

function builtAt(): number | undefined {
  try {
    return statSync(buildMarker).mtimeMs;
  } catch {
    return undefined;
  }
}

function buildIsCurrent(): boolean {
  const built = builtAt();
  return built !== undefined && Math.max(...sources.map(newestChange)) <= built;
}

function main(): number {
  if (!process.argv.includes('--force') && buildIsCurrent()) {
    process.stdout.write('admin build is current\n');
    return 0;
  }
  process.stdout.write('building the admin app (next build)…\n');
  const nextBin = path.join(appRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: appRoot, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  return result.status ?? 1;
}

process.exitCode = main();
