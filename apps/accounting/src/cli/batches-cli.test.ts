import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connectBus, createBatchRecord, deleteBatchStores, encodeJson, ensureBatchQueues, getBatchRecord, updateBatchRecord, type Bus } from '@corral/bus';
import { newBatchRecord, type BatchRecord } from '@corral/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsUrl } from '../testing/index.ts';

const cliPath = fileURLToPath(new URL('./main.ts', import.meta.url));

/** 2026-11-30T12:00:00Z, in the Unix seconds batch records keep. */
const CREATED = Date.UTC(2026, 10, 30, 12, 0, 0) / 1000;

function batchRecord(id: string, overrides: Partial<BatchRecord> = {}): BatchRecord {
  const created = newBatchRecord({ id, keyId: 'key-alpha', teamId: null, endpoint: '/v1/chat/completions', inputFileId: `file-${id}`, completionWindow: '24h', metadata: null, createdAt: CREATED, expiresAt: CREATED + 86_400 });
  return {
    ...created,
    model: 'llama3.2',
    status: 'in_progress',
    inProgressAt: CREATED + 5,
    requestCounts: { total: 1_000, completed: 390, failed: 10 },
    usage: { inputTokens: 12_345, outputTokens: 67_890 },
    units: 10,
    unitsDone: 400,
    ...overrides,
  };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A CLI process whose stdout can be awaited line by line while it runs (a pipe: not a terminal). */
interface RunningCli {
  child: ChildProcess;
  /** Resolves once stdout holds at least `count` lines. */
  lines(count: number): Promise<string[]>;
  done: Promise<Run>;
}

describe('corral batches against the batch records on NATS', { timeout: 60_000 }, () => {
  const prefix = `tbatchcli${process.pid}${randomBytes(3).toString('hex')}`;
  let bus: Bus;
  const running = new Set<ChildProcess>();

  beforeAll(async () => {
    bus = await connectBus({ servers: natsUrl, name: 'test-batches-cli', prefix });
    await ensureBatchQueues(bus);
    await createBatchRecord(bus, batchRecord('batch_old_done', { createdAt: CREATED - 3_600, status: 'completed', requestCounts: { total: 20, completed: 20, failed: 0 }, completedAt: CREATED - 1_800, outputFileId: 'file-out', keyId: 'key-beta' }));
    await createBatchRecord(bus, batchRecord('batch_running', { metadata: { job: 'nightly' } }));
    await createBatchRecord(bus, batchRecord('batch_newest', { createdAt: CREATED + 60, status: 'validating', model: null, requestCounts: { total: 0, completed: 0, failed: 0 }, inProgressAt: null, units: 0, unitsDone: 0 }));
  });

  afterAll(async () => {
    for (const child of running) child.kill('SIGKILL');
    await deleteBatchStores(bus);
    await bus?.close();
  });

  function start(args: string[]): RunningCli {
    const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
      env: { ...process.env, NATS_URL: natsUrl, CORRAL_PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    const waiters: (() => void)[] = [];
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const waiter of waiters.splice(0)) waiter();
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const done = new Promise<Run>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        running.delete(child);
        for (const waiter of waiters.splice(0)) waiter();
        resolve({ code, stdout, stderr });
      });
    });
    const complete = () => stdout.split('\n').slice(0, -1);
    return {
      child,
      done,
      async lines(count) {
        while (complete().length < count) {
          if (child.exitCode !== null) throw new Error(`the CLI exited (${child.exitCode}) after ${complete().length} lines:\n${stdout}\n${stderr}`);
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
        return complete();
      },
    };
  }

  const corral = (args: string[]) => start(args).done;

  /** Consumers on the records bucket's stream: a KV watch is one (reads by key are direct gets, no consumer). */
  async function bucketConsumers(): Promise<number> {
    const reply = await bus.nc.request(`$JS.API.CONSUMER.NAMES.KV_${bus.subjects.bucketName('batches')}`, encodeJson({}), { timeout: 2000 });
    return (JSON.parse(new TextDecoder().decode(reply.data)) as { total: number }).total;
  }

  it('lists batches newest first with their progress, filtered by status or key', async () => {
    const listed = await corral(['batches', 'list']);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+MODEL\s+ENDPOINT\s+KEY\s+PROGRESS\s+FAILED\s+CREATED$/);
    expect(lines.slice(2).map((line) => line.split(/\s+/)[0])).toEqual(['batch_newest', 'batch_running', 'batch_old_done']);
    expect(lines[2]).toMatch(/^batch_newest\s+validating\s+-\s+\/v1\/chat\/completions\s+key-alpha\s+0\/0\s+0%\s+0\s+2026-11-30T12:01:00Z$/);
    expect(lines[3]).toMatch(/^batch_running\s+in_progress\s+llama3\.2\s+\/v1\/chat\/completions\s+key-alpha\s+400\/1,000\s+40%\s+10\s+2026-11-30T12:00:00Z$/);
    expect(lines[4]).toMatch(/^batch_old_done\s+completed\s+llama3\.2\s+.*key-beta\s+20\/20\s+100%\s+0\s+2026-11-30T11:00:00Z$/);

    const completed = await corral(['batches', 'list', '--status', 'completed', '--json']);
    expect((JSON.parse(completed.stdout) as BatchRecord[]).map((record) => record.id)).toEqual(['batch_old_done']);
    const byKey = await corral(['batches', 'list', '--key', 'key-alpha', '--json']);
    expect((JSON.parse(byKey.stdout) as BatchRecord[]).map((record) => record.id)).toEqual(['batch_newest', 'batch_running']);
    expect((await corral(['batches', 'list', '--key', 'nobody'])).stdout.trim()).toBe('no batch matches');

    const badStatus = await corral(['batches', 'list', '--status', 'done']);
    expect(badStatus).toMatchObject({ code: 2, stdout: '' });
    expect(badStatus.stderr).toContain('--status must be one of validating, failed, in_progress');
  });

  it('shows every field of a batch, and the record itself with --json', async () => {
    const shown = await corral(['batches', 'show', 'batch_running']);
    expect(shown.stderr).toBe('');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('id:             batch_running\n');
    expect(shown.stdout).toContain('status:         in_progress\n');
    expect(shown.stdout).toContain('progress:       [########------------]    400/1,000   40%  in_progress  (10 failed)\n');
    expect(shown.stdout).toContain('requests:       1,000 total, 390 completed, 10 failed\n');
    expect(shown.stdout).toContain('tokens:         12,345 in, 67,890 out\n');
    expect(shown.stdout).toContain('metadata:       job=nightly\n');
    expect(shown.stdout).toContain('input file:     file-batch_running\n');
    expect(shown.stdout).toContain('created:        2026-11-30T12:00:00Z\n');
    expect(shown.stdout).toContain('expires:        2026-12-01T12:00:00Z\n');
    expect(shown.stdout).toContain('completed:      -\n');

    const json = await corral(['batches', 'show', 'batch_old_done', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(await getBatchRecord(bus, 'batch_old_done'));

    const unknown = await corral(['batches', 'show', 'batch_nope']);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe('error: no batch with id batch_nope (not_found)\n');
    expect((await corral(['batches', 'show'])).code).toBe(2);
  });

  it('prints one progress line per change when stdout is not a terminal, then the final state', async () => {
    await createBatchRecord(bus, batchRecord('batch_watched', { requestCounts: { total: 50_000, completed: 3_512, failed: 0 } }));
    const watch = start(['batches', 'show', 'batch_watched', '--watch']);
    expect(await watch.lines(1)).toEqual(['[#-------------------]   3,512/50,000    7%  in_progress']);

    const progress = (completed: number, failed = 0) => updateBatchRecord(bus, 'batch_watched', (record) => ({ ...record, requestCounts: { ...record.requestCounts, completed, failed } }));
    await progress(25_000);
    expect((await watch.lines(2))[1]).toBe('[##########----------]  25,000/50,000   50%  in_progress');
    // A write that moves nothing shown (the unit count) prints no line.
    await updateBatchRecord(bus, 'batch_watched', (record) => ({ ...record, unitsDone: record.unitsDone + 1 }));
    await progress(49_990, 10);
    expect((await watch.lines(3))[2]).toBe('[####################]  50,000/50,000  100%  in_progress  (10 failed)');
    await updateBatchRecord(bus, 'batch_watched', (record) => ({ ...record, status: 'finalizing', finalizingAt: CREATED + 100 }));
    await watch.lines(4);
    await updateBatchRecord(bus, 'batch_watched', (record) => ({ ...record, status: 'completed', completedAt: CREATED + 120, outputFileId: 'file-watched-out' }));

    const run = await watch.done;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(3, 5)).toEqual(['[####################]  50,000/50,000  100%  finalizing  (10 failed)', '[####################]  50,000/50,000  100%  completed  (10 failed)']);
    expect(run.stdout).not.toContain('\r');
    expect(lines[5]).toBe('id:             batch_watched');
    expect(run.stdout).toContain('status:         completed\n');
    expect(run.stdout).toContain('output file:    file-watched-out\n');
    expect(run.stdout).toContain('completed:      2026-11-30T12:02:00Z\n');
  });

  it('with --watch --json waits for the end and prints only the final record', async () => {
    await createBatchRecord(bus, batchRecord('batch_waited'));
    const watch = start(['batches', 'show', 'batch_waited', '--watch', '--json']);
    // It prints nothing while it waits: its watch (a consumer on the bucket's stream) shows it is waiting.
    await expect.poll(() => bucketConsumers(), { timeout: 15_000, interval: 50 }).toBeGreaterThan(0);
    await updateBatchRecord(bus, 'batch_waited', (record) => ({ ...record, status: 'cancelled', stop: 'cancelled', cancellingAt: CREATED + 10, cancelledAt: CREATED + 20 }));
    const run = await watch.done;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: 'batch_waited', status: 'cancelled', cancelledAt: CREATED + 20 });
  });

  it('cancels a running batch, says so for one that has ended, and refuses an unknown id', async () => {
    await createBatchRecord(bus, batchRecord('batch_to_cancel'));
    const cancelled = await corral(['batches', 'cancel', 'batch_to_cancel']);
    expect(cancelled.stderr).toBe('');
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toBe('batch batch_to_cancel is cancelling: no new line starts; it becomes cancelled once the lines running now are done\n');
    expect(await getBatchRecord(bus, 'batch_to_cancel')).toMatchObject({ status: 'cancelling', stop: 'cancelled' });

    const again = await corral(['batches', 'cancel', 'batch_to_cancel', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ id: 'batch_to_cancel', status: 'cancelling' });

    const ended = await corral(['batches', 'cancel', 'batch_old_done']);
    expect(ended).toMatchObject({ code: 0, stdout: 'batch batch_old_done is completed already: there is nothing to cancel\n' });
    expect(await getBatchRecord(bus, 'batch_old_done')).toMatchObject({ status: 'completed', stop: null });

    const unknown = await corral(['batches', 'cancel', 'batch_nope']);
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'error: no batch with id batch_nope (not_found)\n' });
    expect((await corral(['batches', 'cancel', 'a', 'b'])).stderr).toContain('unexpected argument: b');
    expect((await corral(['batches', 'pause', 'batch_running'])).stderr).toContain('unknown batches command: pause');
  });
});
