import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fixHeapGrowth } from './heap-growth.ts';

const moduleUrl = new URL('./heap-growth.ts', import.meta.url).href;

interface Outcome {
  inEffect: string;
  /** The old generation a full collection kept, and the limit V8 set for the next one (KB). */
  keptKb: number;
  limitKb: number;
}

/**
 * A node process holding ~70 MB that fixes its heap growth, then collects in full twice; V8's
 * verbose trace prints the limit each collection sets. `--optimize-for-size` makes V8's own verdict
 * a small growth (at most 1.3 ×), as a worker's low promotion rate does in production.
 */
function collectInChild(percent: number, nodeFlags: string[] = []): Promise<Outcome> {
  const code = `
    import { fixHeapGrowth } from ${JSON.stringify(moduleUrl)};
    const live = Array.from({ length: 800000 }, (_, index) => ({ index, name: 'line ' + index }));
    console.log('in effect: ' + fixHeapGrowth(${percent}));
    globalThis.gc();
    globalThis.gc();
    console.log('kept ' + live.length); // live stays reachable through both collections
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', '--trace-gc-verbose', '--optimize-for-size', ...nodeFlags, '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (bytes: Buffer) => (output += bytes.toString()));
  child.stderr.on('data', (bytes: Buffer) => (output += bytes.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const inEffect = /in effect: (\S+)/.exec(output)?.[1];
      const limits = [...output.matchAll(/\[HeapController\] Limit: old size: (\d+) KB, new limit: (\d+) KB/g)];
      const last = limits.at(-1);
      if (code !== 0 || inEffect === undefined || last === undefined) {
        reject(new Error(`child exited ${code}: ${output.slice(-2000)}`));
        return;
      }
      resolve({ inEffect, keptKb: Number(last[1]), limitKb: Number(last[2]) });
    });
  });
}

describe('fixHeapGrowth', () => {
  it('without it V8 grants the small growth its heuristic chose', async () => {
    const outcome = await collectInChild(0);
    expect(outcome.inEffect).toBe('undefined');
    expect(outcome.limitKb / outcome.keptKb).toBeLessThan(2);
  });

  it('lets V8 grow the old generation to 4 × what a full collection kept at 300 %', async () => {
    const outcome = await collectInChild(300);
    expect(outcome.inEffect).toBe('300');
    expect(outcome.keptKb).toBeGreaterThan(30 * 1024);
    expect(outcome.limitKb / outcome.keptKb).toBeGreaterThanOrEqual(4);
  });

  it("leaves an operator's own --heap-growing-percent in force", async () => {
    const outcome = await collectInChild(300, ['--heap-growing-percent=50']);
    expect(outcome.inEffect).toBe('50');
    // 1.5 × plus at most the young generation's capacity on top.
    expect(outcome.limitKb / outcome.keptKb).toBeLessThan(3);
  });

  it('at 0 sets nothing and reports V8 in charge; reads the operator\'s flag however it is spelled', () => {
    expect(fixHeapGrowth(0, [])).toBeUndefined();
    expect(fixHeapGrowth(0, ['--heap-growing-percent=120'])).toBe(120);
    expect(fixHeapGrowth(0, ['--heap_growing_percent=0'])).toBeUndefined();
    expect(fixHeapGrowth(300, ['--heap-growing-percent', '80'])).toBe(80);
    expect(fixHeapGrowth(300, ['--heap_growing_percent=150'])).toBe(150);
  });
});
