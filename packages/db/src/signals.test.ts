import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('@corral/db', () => {
  it('installs no signal handler when imported, so services keep their graceful stop', () => {
    // A fresh process: the test runner's own handlers must not count.
    const script = `
      const before = ['SIGINT', 'SIGTERM'].map((signal) => process.listenerCount(signal));
      await import('@corral/db');
      const after = ['SIGINT', 'SIGTERM'].map((signal) => process.listenerCount(signal));
      console.log(JSON.stringify({ before, after }));
    `;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('..', import.meta.url), encoding: 'utf8' });
    const { before, after } = JSON.parse(output.trim().split('\n').at(-1)!) as { before: number[]; after: number[] };
    expect(after).toEqual(before);
  });
});
