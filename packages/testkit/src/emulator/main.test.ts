import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

describe('pnpm emulator (main.ts)', () => {
  it('prints its URL, serves requests and exits cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', mainPath], {
      cwd: repoRoot,
      env: { ...process.env, EMULATOR_PORT: '0', EMULATOR_TOKENS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (bytes: Buffer) => {
          output += bytes.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.once('exit', () => reject(new Error(`exited early: ${output}`)));
      });
      expect(await (await fetch(`${url}/api/version`)).json()).toEqual({ version: '0.33.0-rc2' });
      const reply = (await (await fetch(`${url}/api/generate`, { method: 'POST', body: '{"model":"llama3.2","prompt":"hi","stream":false}' })).json()) as { eval_count: number };
      expect(reply.eval_count).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
