import { execFile } from 'node:child_process';
import { repoRoot } from '@corral/testkit';
import { describe, expect, it } from 'vitest';

function pnpm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('pnpm', args, { cwd: repoRoot }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

describe('pnpm corral', () => {
  it("prints the CLI's own output and nothing of pnpm's", { timeout: 60_000 }, async () => {
    const { code, stdout } = await pnpm('corral', '--help');
    expect(code).toBe(0);
    // A package script would start with pnpm's "> corral@ corral /path" banner.
    expect(stdout.split('\n')[0]).toBe('corral — manage teams, keys, model aliases, usage and batches (over NATS: accounting, and the batch records)');
    expect(stdout).not.toMatch(/^>/m);
  });

  it("passes the CLI's exit code and error through unchanged", { timeout: 60_000 }, async () => {
    const { code, stdout, stderr } = await pnpm('corral', 'keys', 'bogus');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('error: unknown keys command: bogus; use create, list, update or revoke\n');
  });
});
