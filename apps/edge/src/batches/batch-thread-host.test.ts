import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startBatchThread } from './batch-thread-host.ts';

const entry = new URL('./batch-thread-host.fixture.mjs', import.meta.url);

function recordingLogger() {
  const lines: string[] = [];
  const record = (_fields: unknown, message?: string) => void lines.push(message ?? '');
  return { lines, logger: { error: record, warn: record, info: record } };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('startBatchThread', () => {
  it('starts a thread that died again, and stops the one that runs when told', async () => {
    const starts = new SharedArrayBuffer(4);
    const { lines, logger } = recordingLogger();
    const thread = startBatchThread({ entry, workerData: { starts, crashes: 2, ignoreStop: false }, logger, restartDelayMs: 10 });
    // Two starts die, the third one lives.
    await until(() => Atomics.load(new Int32Array(starts), 0) === 3);
    expect(thread.starts).toBe(3);
    expect(lines.filter((line) => line === 'the batch thread failed')).toHaveLength(2);
    await sleep(200);
    expect(thread.starts).toBe(3);
    await thread.stop();
    // Told to stop, it exited on its own (no termination) and is not started again.
    expect(lines).not.toContain('the batch thread did not stop in time; terminating it');
    await sleep(100);
    expect(Atomics.load(new Int32Array(starts), 0)).toBe(3);
  });

  it('terminates a thread that does not stop within its grace', async () => {
    const starts = new SharedArrayBuffer(4);
    const { lines, logger } = recordingLogger();
    const thread = startBatchThread({ entry, workerData: { starts, crashes: 0, ignoreStop: true }, logger, stopGraceMs: 300 });
    await until(() => Atomics.load(new Int32Array(starts), 0) === 1);
    await thread.stop();
    expect(lines).toContain('the batch thread did not stop in time; terminating it');
    expect(thread.starts).toBe(1);
  });

  it('starts nothing more once stopped while waiting to restart a thread that died', async () => {
    const starts = new SharedArrayBuffer(4);
    const { logger } = recordingLogger();
    const thread = startBatchThread({ entry, workerData: { starts, crashes: 5, ignoreStop: false }, logger, restartDelayMs: 200 });
    await until(() => Atomics.load(new Int32Array(starts), 0) === 1);
    await sleep(50);
    await thread.stop();
    await sleep(400);
    expect(Atomics.load(new Int32Array(starts), 0)).toBe(1);
  });
});
