import { encodeRawChunk } from '@corral/protocol';
import { startEmulator, type Emulator } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, sequenceOf, type Harness } from './testing/index.ts';

const chatBody = (model: string, text: string) => ({ model, messages: [{ role: 'user', content: text }], stream: true });

describe('worker jobs over NATS against the Ollama emulator', () => {
  let harness: Harness;
  let emulator: Emulator;
  let workerId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ tokensPerReply: 6, numParallel: 4 });
    harness = await createHarness();
    const worker = await harness.startWorker({ OLLAMA_URL: emulator.url, KEEPALIVE_INTERVAL_MS: '5000', HEARTBEAT_INTERVAL_MS: '200' });
    workerId = worker.workerId;
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
  });

  it('streams a chat: accept, raw chunks, then a final with the usage Ollama reported', async () => {
    const call = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('llama3.2:latest', 'chat one') });
    const replies = await call.done;
    const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('chat one'));

    expect(replies[0]).toEqual({ v: 1, type: 'accept', requestId: call.requestId, workerId });
    const chunks = replies.filter((reply) => reply.type === 'chunk');
    const final = replies.at(-1);
    expect(final?.type).toBe('final');
    expect(replies.filter((reply) => reply.type === 'keepalive')).toHaveLength(0);
    expect(chunks).toHaveLength(recorded.evalCount);
    expect(chunks.map((chunk) => (chunk.data.message as { content: string }).content).join('')).toBe(recorded.content);
    if (final?.type !== 'final') return;
    expect(final.usage.promptTokens).toBe(recorded.promptEvalCount);
    expect(final.usage.completionTokens).toBe(recorded.evalCount);
    expect(final.usage.totalDurationNs).toBe(final.data?.total_duration);
    expect(final.data).toMatchObject({ done: true, done_reason: recorded.doneReason });
    expect(final.workerId).toBe(workerId);
    // Every seq after accept, no gaps.
    expect(sequenceOf(replies)).toEqual(replies.slice(1).map((_reply, index) => index));
  });

  it('forwards each native chunk as Ollama wrote it', async () => {
    const call = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('llama3.2:latest', 'raw bytes') });
    const replies = await call.done;
    replies.forEach((reply, index) => {
      if (reply.type !== 'chunk') return;
      expect(call.raw[index]).toBe(encodeRawChunk(call.requestId, reply.seq, JSON.stringify(reply.data)));
      expect(reply.data).toMatchObject({ model: 'llama3.2:latest', done: false, message: { role: 'assistant' } });
      expect(typeof reply.data.created_at).toBe('string');
    });
  });

  it('streams a generate', async () => {
    const call = harness.submit(workerId, { kind: 'generate', model: 'llama3.2:latest', body: { model: 'llama3.2:latest', prompt: 'generate one', stream: true } });
    const replies = await call.done;
    const recorded = await emulator.waitFor((request) => request.path === '/api/generate' && JSON.stringify(request.body).includes('generate one'));
    const chunks = replies.filter((reply) => reply.type === 'chunk');
    expect(chunks.map((chunk) => chunk.data.response).join('')).toBe(recorded.content);
    const final = replies.at(-1);
    expect(final?.type === 'final' && final.usage.completionTokens).toBe(recorded.evalCount);
  });

  it('answers an embed with one final carrying the whole response', async () => {
    const call = harness.submit(workerId, { kind: 'embed', model: 'all-minilm:latest', body: { model: 'all-minilm:latest', input: ['embed one', 'embed two'] } });
    const replies = await call.done;
    const recorded = await emulator.waitFor((request) => request.path === '/api/embed' && JSON.stringify(request.body).includes('embed one'));
    expect(replies.map((reply) => reply.type)).toEqual(['accept', 'final']);
    const final = replies[1];
    if (final?.type !== 'final') throw new Error('expected a final reply');
    expect(final.seq).toBe(0);
    expect((final.data?.embeddings as number[][] | undefined)?.length).toBe(2);
    expect(final.usage).toMatchObject({ promptTokens: recorded.promptEvalCount, completionTokens: 0 });
  });

  it('reports an unknown model as model_not_found with the upstream status', async () => {
    const call = harness.submit(workerId, { kind: 'chat', model: 'nope:latest', body: chatBody('nope:latest', 'who') });
    const replies = await call.done;
    expect(replies.map((reply) => reply.type)).toEqual(['accept', 'error']);
    const failure = replies[1];
    expect(failure?.type === 'error' && failure.error).toMatchObject({ code: 'model_not_found', status: 404, retryable: false });
    expect(failure?.type === 'error' && failure.seq).toBe(0);
  });

  it('answers a malformed job with bad_request', async () => {
    const replies: string[] = [];
    const done = new Promise<void>((resolve) => {
      harness.bus.openStream(harness.bus.subjects.workerJobs(workerId), JSON.stringify({ v: 1, requestId: 'broken-1', kind: 'chat' }), (data) => {
        replies.push(new TextDecoder().decode(data));
        resolve();
      });
    });
    await done;
    expect(JSON.parse(replies[0] ?? '{}')).toMatchObject({ type: 'error', requestId: 'broken-1', error: { code: 'bad_request', retryable: false } });
  });

  it('turns an in-band error line into upstream_error after the chunks before it', async () => {
    emulator.setOptions({ failAfterTokens: 2 });
    try {
      const call = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('llama3.2:latest', 'fail midway') });
      const replies = await call.done;
      const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('fail midway'));
      const last = replies.at(-1);
      expect(last?.type).toBe('error');
      if (last?.type !== 'error') return;
      expect(last.error).toMatchObject({ code: 'upstream_error', retryable: false });
      expect(last.error.message).toBe(recorded.error);
      expect(replies.filter((reply) => reply.type === 'chunk')).toHaveLength(2);
      expect(sequenceOf(replies)).toEqual([0, 1, 2]);
    } finally {
      emulator.setOptions({ failAfterTokens: undefined });
    }
  });

  it('aborts the Ollama request on cancel and sends nothing more for that job', async () => {
    emulator.setOptions({ tokenDelayMs: 30, tokensPerReply: 200 });
    try {
      const call = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('llama3.2:latest', 'cancel me') });
      await call.until((reply) => reply.type === 'chunk');
      harness.cancel(workerId, call.requestId);
      const recorded = await emulator.waitFor((request) => request.cancelled && JSON.stringify(request.body).includes('cancel me'));
      expect(recorded.cancelled).toBe(true);

      // The worker publishes in order on one connection: once a later job has finished, anything
      // the cancelled one could still have sent would already be here.
      emulator.setOptions({ tokenDelayMs: 0, tokensPerReply: 6 });
      await harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('llama3.2:latest', 'after cancel') }).done;
      expect(call.replies.some((reply) => reply.type === 'final' || reply.type === 'error')).toBe(false);
      call.close();
    } finally {
      emulator.setOptions({ tokenDelayMs: 0, tokensPerReply: 6 });
    }
  });

  it('fails with timeout and aborts upstream when the deadline passes', async () => {
    emulator.setOptions({ tokenDelayMs: 30, tokensPerReply: 200 });
    try {
      const call = harness.submit(workerId, {
        kind: 'chat',
        model: 'llama3.2:latest',
        body: chatBody('llama3.2:latest', 'too slow'),
        deadline: Date.now() + 200,
      });
      const replies = await call.done;
      const last = replies.at(-1);
      expect(last?.type === 'error' && last.error.code).toBe('timeout');
      const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('too slow'));
      expect(recorded.cancelled).toBe(true);
    } finally {
      emulator.setOptions({ tokenDelayMs: 0, tokensPerReply: 6 });
    }
  });

  it('fails at once with timeout when the deadline has already passed', async () => {
    const call = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('llama3.2:latest', 'late'), deadline: Date.now() - 1 });
    const replies = await call.done;
    expect(replies.map((reply) => reply.type)).toEqual(['accept', 'error']);
    expect(replies[1]?.type === 'error' && replies[1].error.code).toBe('timeout');
  });
});

describe('worker limits and upstream trouble', () => {
  let harness: Harness;
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ tokensPerReply: 400, tokenDelayMs: 20, numParallel: 2, loadDelayMs: 400 });
    harness = await createHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
  });

  it('refuses with worker_full beyond WORKER_MAX_INFLIGHT', async () => {
    const { workerId } = await harness.startWorker({ OLLAMA_URL: emulator.url, WORKER_MAX_INFLIGHT: '1' });
    const first = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('llama3.2:latest', 'hold the slot') });
    await first.until((reply) => reply.type === 'accept');
    const second = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('llama3.2:latest', 'no room') });
    const replies = await second.done;
    expect(replies).toEqual([
      { v: 1, type: 'refuse', requestId: second.requestId, workerId, error: { code: 'worker_full', message: expect.any(String), retryable: true } },
    ]);
    harness.cancel(workerId, first.requestId);
    await emulator.waitFor((request) => request.cancelled && JSON.stringify(request.body).includes('hold the slot'));
    first.close();
  });

  it('sends keep-alives while Ollama is silent loading the model', async () => {
    const { workerId } = await harness.startWorker({ OLLAMA_URL: emulator.url, KEEPALIVE_INTERVAL_MS: '40' });
    emulator.setOptions({ tokensPerReply: 3, tokenDelayMs: 0 });
    const call = harness.submit(workerId, { kind: 'chat', model: 'qwen3:latest', body: chatBody('qwen3:latest', 'wake up') });
    const replies = await call.done;
    const firstChunk = replies.findIndex((reply) => reply.type === 'chunk');
    const keepAlives = replies.slice(0, firstChunk).filter((reply) => reply.type === 'keepalive');
    expect(keepAlives.length).toBeGreaterThan(0);
    expect(replies.at(-1)?.type).toBe('final');
    expect(sequenceOf(replies)).toEqual(replies.slice(1).map((_reply, index) => index));
  });

  it('cancels a job while Ollama is still loading its model', async () => {
    const { workerId } = await harness.startWorker({ OLLAMA_URL: emulator.url });
    const call = harness.submit(workerId, { kind: 'chat', model: 'codellama:latest', body: chatBody('codellama:latest', 'never mind') });
    await call.until((reply) => reply.type === 'accept');
    harness.cancel(workerId, call.requestId);
    const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('never mind'));
    expect(recorded.cancelled).toBe(true);
    expect(recorded.evalCount).toBe(0);
    call.close();
  });

  it('reports a dead Ollama as upstream_unavailable (retryable) and an unhealthy heartbeat', async () => {
    const { workerId } = await harness.startWorker({ OLLAMA_URL: 'http://127.0.0.1:1', HEARTBEAT_INTERVAL_MS: '100' });
    const call = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('llama3.2:latest', 'anyone?') });
    const replies = await call.done;
    expect(replies.map((reply) => reply.type)).toEqual(['accept', 'error']);
    expect(replies[1]?.type === 'error' && replies[1].error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    const heartbeat = await harness.heartbeat(workerId);
    expect(heartbeat).toMatchObject({ upstreamHealthy: false, models: [] });
  });
});
