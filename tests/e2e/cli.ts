import { execFile } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '@corral/testkit';

/** Runs the `corral` CLI (what `pnpm corral …` runs) against a stack's NATS and prefix. */
export function corral(env: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(repoRoot, 'apps/accounting/src/cli/main.ts'), ...args],
      { cwd: repoRoot, env: { ...process.env, ...env } },
      (error, stdout, stderr) => resolve({ stdout, stderr, code: error ? Number((error as { code?: number }).code ?? 1) : 0 }),
    );
  });
}

/** `corral keys create` prints the new key alone on its last line. */
export async function createKey(env: Record<string, string>, ...args: string[]): Promise<{ key: string; id: string; output: string }> {
  const result = await corral(env, 'keys', 'create', ...args);
  if (result.code !== 0) throw new Error(`keys create failed: ${result.stderr}`);
  const lines = result.stdout.trim().split('\n');
  const key = lines.at(-1)!.trim();
  const id = /\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/.exec(result.stdout)?.[1];
  if (!id) throw new Error(`no key id in: ${result.stdout}`);
  return { key, id, output: result.stdout };
}
