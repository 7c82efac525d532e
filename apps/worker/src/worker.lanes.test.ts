import type { Heartbeat } from '@corral/protocol';
import { startEmulator, type Emulator } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type JobCall } from './testing/index.ts';

const MODEL = 'llama3.2:latest';

/** A chat as long as the emulator's replies (seconds at its token pace), or capped at a few tokens. */
const chatBody = (text: string, maxTokens?: number) => ({
  model: MODEL,
  messages: [{ role: 'user', content: text }],
  stream: true,
  ...(maxTokens === undefined ? {} : { options: { num_predict: maxTokens } }),
});

describe('worker lanes: batch jobs run only on slots interactive work leaves free', () => {
  let harness: Harness;
  let emulator: Emulator;

  beforeAll(async () => {
    // Replies slow enough to hold a slot for the whole test (long ones are cancelled), and more
    // emulator slots than the worker advertises, so no job waits in the emulator's queue and
    // only the worker's lane rule decides what runs.
    emulator = await startEmulator({ tokensPerReply: 2000, tokenDelayMs: 20, numParallel: 16 });
    harness = await createHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
  });

  const startWorker = () => harness.startWorker({ OLLAMA_URL: emulator.url, WORKER_CAPACITY: '2', WORKER_MAX_INFLIGHT: '8', HEARTBEAT_INTERVAL_MS: '100' });

  const submit = (workerId: string, text: string, options: { lane?: 'batch' | 'interactive'; maxTokens?: number } = {}): JobCall =>
    harness.submit(workerId, { kind: 'chat', model: MODEL, body: chatBody(text, options.maxTokens), ...(options.lane ? { lane: options.lane } : {}) });

  /** Started streaming, so the worker has admitted it and the emulator is generating for it. */
  const streaming = (call: JobCall) => call.until((reply) => reply.type === 'chunk');

  /** The first heartbeat of a worker sent after `since` of them had arrived that matches. */
  const heartbeatAfter = (workerId: string, since: number, predicate: (heartbeat: Heartbeat) => boolean) =>
    harness.heartbeat(workerId, (heartbeat) => harness.heartbeats.indexOf(heartbeat) >= since && predicate(heartbeat));

  const cancelAndWait = async (workerId: string, call: JobCall, text: string) => {
    harness.cancel(workerId, call.requestId);
    await emulator.waitFor((request) => request.cancelled && JSON.stringify(request.body).includes(text));
    call.close();
  };

  it('refuses a batch job as full (retryable) when interactive jobs hold every slot', async () => {
    const { workerId } = await startWorker();
    const first = submit(workerId, 'interactive one');
    const second = submit(workerId, 'interactive two');
    await Promise.all([streaming(first), streaming(second)]);

    const batch = submit(workerId, 'batch refused', { lane: 'batch' });
    const replies = await batch.done;
    expect(replies).toEqual([
      { v: 1, type: 'refuse', requestId: batch.requestId, workerId, error: { code: 'worker_full', message: expect.any(String), retryable: true } },
    ]);

    // An interactive job is still admitted beyond capacity (up to WORKER_MAX_INFLIGHT).
    const third = submit(workerId, 'interactive three', { maxTokens: 2 });
    expect((await third.done).at(-1)?.type).toBe('final');

    await cancelAndWait(workerId, first, 'interactive one');
    await cancelAndWait(workerId, second, 'interactive two');
  });

  it('admits a batch job on a free slot and runs it to its final', async () => {
    const { workerId } = await startWorker();
    const interactive = submit(workerId, 'interactive holding one slot');
    await streaming(interactive);

    const batch = submit(workerId, 'batch on the free slot', { lane: 'batch', maxTokens: 3 });
    const replies = await batch.done;
    expect(replies[0]).toMatchObject({ type: 'accept', requestId: batch.requestId });
    expect(replies.filter((reply) => reply.type === 'chunk')).toHaveLength(3);
    expect(replies.at(-1)?.type).toBe('final');
    const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('batch on the free slot'));
    expect(recorded.cancelled).toBe(false);

    await cancelAndWait(workerId, interactive, 'interactive holding one slot');
  });

  it('preempts the newest batch job when an interactive one needs a slot, and only that one', async () => {
    const { workerId } = await startWorker();
    const older = submit(workerId, 'batch older', { lane: 'batch' });
    await streaming(older);
    const newer = submit(workerId, 'batch newer', { lane: 'batch' });
    await streaming(newer);

    // Batch jobs count against capacity too.
    const third = await submit(workerId, 'batch third', { lane: 'batch' }).done;
    expect(third.map((reply) => reply.type)).toEqual(['refuse']);

    const interactive = submit(workerId, 'interactive needs a slot', { maxTokens: 3 });
    const interactiveReplies = await interactive.done;
    expect(interactiveReplies.at(-1)?.type).toBe('final');

    const newerReplies = await newer.done;
    const failure = newerReplies.at(-1);
    expect(failure).toMatchObject({ type: 'error', requestId: newer.requestId, error: { code: 'preempted', retryable: true } });
    // It had streamed already, and still ends with the retryable failure, never a final.
    expect(newerReplies.filter((reply) => reply.type === 'chunk').length).toBeGreaterThan(0);
    expect(newerReplies.filter((reply) => reply.type === 'final' || reply.type === 'error')).toHaveLength(1);
    const preempted = await emulator.waitFor((request) => JSON.stringify(request.body).includes('batch newer'));
    expect(preempted.cancelled).toBe(true);

    // The older batch job keeps its slot and goes on streaming.
    const chunksSoFar = older.replies.length;
    await older.until((reply) => reply.type === 'chunk' && older.replies.indexOf(reply) >= chunksSoFar);
    expect(older.replies.some((reply) => reply.type === 'final' || reply.type === 'error')).toBe(false);
    expect(emulator.requests().some((request) => JSON.stringify(request.body).includes('batch older'))).toBe(false);

    await cancelAndWait(workerId, older, 'batch older');
    // Replies leave in order on one connection: once a later job has finished, anything the
    // preempted job could still have sent would already be here.
    await submit(workerId, 'after preemption', { maxTokens: 1 }).done;
    expect(newer.replies.at(-1)).toBe(failure);
  });

  it('reports the batch jobs running in the heartbeat', async () => {
    const { workerId } = await startWorker();
    const idle = await harness.heartbeat(workerId);
    expect(idle).toMatchObject({ inflight: 0, batchInflight: 0 });

    const interactive = submit(workerId, 'interactive beside batch');
    const batch = submit(workerId, 'batch in the heartbeat', { lane: 'batch' });
    await Promise.all([streaming(interactive), streaming(batch)]);
    const busy = await heartbeatAfter(workerId, harness.heartbeats.length, () => true);
    expect(busy).toMatchObject({ inflight: 2, batchInflight: 1 });

    await cancelAndWait(workerId, batch, 'batch in the heartbeat');
    const afterBatch = await heartbeatAfter(workerId, harness.heartbeats.length, (heartbeat) => heartbeat.inflight === 1);
    expect(afterBatch.batchInflight).toBe(0);
    await cancelAndWait(workerId, interactive, 'interactive beside batch');
  });
});
