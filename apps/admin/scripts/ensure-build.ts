/**
 * Builds the admin app for production when its build is missing or older than any of its sources
 * (its own files and the workspace packages it compiles in). Tests and the launcher run it before
 * `next start`, so a fresh clone works and an unchanged tree costs a few file stats.
 *
 *   pnpm --filter @corral/admin ensure-build [--force]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = path.resolve(appRoot, '../..');
const buildMarker = path.join(appRoot, '.next', 'BUILD_ID');
/** The `@corral/*` packages the app depends on (their sources are compiled into its build). */
function workspacePackages(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  return Object.entries(manifest.dependencies ?? {})
    .filter(([name, version]) => name.startsWith('@corral/') && version.startsWith('workspace:'))
    .map(([name]) => name.slice('@corral/'.length));
}

/** What a build is made of: the app and every workspace package it compiles in. */
const sources = [
  path.join(appRoot, 'src'),
  path.join(appRoot, 'next.config.ts'),
  path.join(appRoot, 'package.json'),
  path.join(appRoot, 'tsconfig.json'),
  ...workspacePackages().map((name) => path.join(repoRoot, 'packages', name, 'src')),
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

/** Held while one process builds: test files and a launcher starting together build once, not in parallel. */
const lockDirectory = path.join(appRoot, '.next-build-lock');
/** A lock older than this was left by a build that died; a real build takes a few minutes. */
const STALE_LOCK_MS = 15 * 60_000;

function tryLock(): boolean {
  try {
    mkdirSync(lockDirectory);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(lockDirectory).mtimeMs > STALE_LOCK_MS) rmSync(lockDirectory, { recursive: true, force: true });
    } catch {
      // Released meanwhile: the next try takes it.
    }
    return false;
  }
}

async function main(): Promise<number> {
  const force = process.argv.includes('--force');
  let build: ChildProcess | undefined;
  let locked = false;
  // A stop (the launcher's Ctrl-C, a test run ending) reaches the build too and releases the lock;
  // until the build is gone, the signal only forwards.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (build && build.exitCode === null) build.kill(signal);
      else {
        if (locked) rmSync(lockDirectory, { recursive: true, force: true });
        process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      }
    });
  }
  while (!tryLock()) await new Promise((resolve) => setTimeout(resolve, 500));
  locked = true;
  try {
    if (!force && buildIsCurrent()) {
      process.stdout.write('admin build is current\n');
      return 0;
    }
    process.stdout.write('building the admin app (next build)…\n');
    const nextBin = path.join(appRoot, 'node_modules', 'next', 'dist', 'bin', 'next');
    build = spawn(process.execPath, [nextBin, 'build'], { cwd: appRoot, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    const running = build;
    return await new Promise<number>((resolve) => running.once('exit', (code) => resolve(code ?? 1)));
  } finally {
    rmSync(lockDirectory, { recursive: true, force: true });
  }
}

process.exitCode = await main();
