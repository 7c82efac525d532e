import { configureBlobBucket, connectBus, deleteBlobBucket, deleteKv, type Bus } from '@corral/bus';
import { EdgeConfig, parseEnv } from '@corral/config';
import type { UsageEvent } from '@corral/protocol';
import { natsUrl, startEmulator, startService, uniquePrefix, type Emulator, type ServiceProcess } from '@corral/testkit';
import { TEST_STORAGE_LIMITS, testStorageEnv } from '@corral/testkit/testing';
import type { FastifyBaseLogger } from 'fastify';
import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchTable } from '../batches/batch-table.ts';
import type { EdgeContext } from '../context.ts';
import { chatCompletionsDialect } from '../dialects/openai/chat-completions.ts';
import { FleetTable } from '../fleet/fleet-table.ts';
import { Dispatcher } from '../jobs/dispatcher.ts';
import { createModelTable, type ModelTable } from '../model-config/model-table.ts';
import { runGeneration, type GenerationInput } from './generate.ts';
import { InteractiveLoad } from './interactive-load.ts';
import { RateLimiter } from './rate-limiter.ts';
import { CollectingSink } from './response-sink.ts';
import { FrameFormat } from './stream-framing.ts';

const ENDPOINT = '/v1/chat/completions';

const silentLogger = {
  level: 'silent',
  fatal: () => undefined,
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
  trace: () => undefined,
  silent: () => undefined,
  child: () => silentLogger,
} as unknown as FastifyBaseLogger;

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The `data:` payloads of a data-only SSE stream, in order. */
function dataFrames(frames: string): string[] {
  return frames
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice('data: '.length));
}

/**
 * The pipeline with no HTTP server at all: a request given as plain values runs against real NATS,
 * a worker and the Ollama emulator, and its answer lands in a collecting sink (as a batch line's would).
 */
describe('the generation pipeline without HTTP', () => {
  const prefix = uniquePrefix('pipe');
  let emulator: Emulator;
  let worker: ServiceProcess;
  let bus: Bus;
  let fleet: FleetTable;
  let models: ModelTable;
  let context: EdgeContext;
  let batches: BatchTable | undefined;
  const usage: UsageEvent[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({ tokensPerReply: 5 });
    worker = startService('worker', 'apps/worker/src/main.ts', {
      NATS_URL: natsUrl,
      CORRAL_PREFIX: prefix,
      OLLAMA_URL: emulator.url,
      WORKER_ID: `wpipe${randomUUID().slice(0, 6)}`,
      HEARTBEAT_INTERVAL_MS: '250',
      LOG_LEVEL: 'warn',
      ...testStorageEnv,
    });
    bus = await connectBus({ servers: natsUrl, name: 'pipeline-test', prefix });
    configureBlobBucket(bus, { maxBucketBytes: TEST_STORAGE_LIMITS.blobBucketMaxBytes });
    fleet = new FleetTable();
    fleet.start(bus);
    models = createModelTable(bus);
    await models.ready;
    const config = parseEnv(EdgeConfig, { NATS_URL: natsUrl, CORRAL_PREFIX: prefix, AUTH_DISABLED: 'true', LOG_LEVEL: 'silent' });
    const dispatcher = new Dispatcher(bus, fleet, { acceptTimeoutMs: 5_000, idleTimeoutMs: 5_000, retryAfterSeconds: 1 });
    batches = new BatchTable(bus);
    context = { config, bus, fleet, dispatcher, keys: undefined, teams: undefined, models, batches, usage: { record: (event) => usage.push(event) }, limits: new RateLimiter(), interactive: new InteractiveLoad(), logger: silentLogger };
    await until(() => fleet.all().length === 1, 'the worker joining the fleet');
  }, 60_000);

  afterAll(async () => {
    worker?.kill('SIGTERM');
    await worker?.exited;
    models?.close();
    batches?.close();
    fleet?.stop();
    if (bus) {
      await deleteKv(bus, 'models');
      await deleteKv(bus, 'batches');
      await deleteBlobBucket(bus);
      await bus.close();
    }
    await emulator?.close();
  });

  const run = async (body: unknown, signal: AbortSignal = new AbortController().signal) => {
    const input: GenerationInput = { endpoint: ENDPOINT, requestId: randomUUID(), headers: {}, body, signal };
    const sink = new CollectingSink();
    await runGeneration(context, chatCompletionsDialect(context), input, sink);
    return { requestId: input.requestId, answer: sink.answer, usage: usage.find((event) => event.requestId === input.requestId) };
  };

  it('answers a whole chat completion into the sink and records its usage once', async () => {
    const { requestId, answer, usage: event } = await run({ model: 'llama3.2', messages: [{ role: 'user', content: 'a batch line' }] });
    const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('a batch line'));

    expect(answer?.kind).toBe('json');
    if (answer?.kind !== 'json') return;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      object: 'chat.completion',
      model: 'llama3.2',
      choices: [{ index: 0, message: { role: 'assistant', content: recorded.content } }],
      usage: { prompt_tokens: recorded.promptEvalCount, completion_tokens: recorded.evalCount },
    });
    expect(event).toMatchObject({ endpoint: ENDPOINT, status: 'ok', httpStatus: 200, stream: false, promptTokens: recorded.promptEvalCount, completionTokens: recorded.evalCount });
    expect(usage.filter((other) => other.requestId === requestId)).toHaveLength(1);
  });

  it('counts a streamed request as waiting until its first frame goes out, and as in flight until its end', async () => {
    const seen: { at: string; waiting: boolean; inFlight: number }[] = [];
    const note = (at: string) => seen.push({ at, waiting: context.interactive.usersWaiting, inFlight: context.interactive.inFlight });
    const sink = new (class extends CollectingSink {
      override startStream(framing: Parameters<CollectingSink['startStream']>[0]): void {
        note('start');
        super.startStream(framing);
      }
      override write(frames: string): void {
        note('write');
        super.write(frames);
      }
    })();
    const input: GenerationInput = { endpoint: ENDPOINT, requestId: randomUUID(), headers: {}, body: { model: 'llama3.2', stream: true, messages: [{ role: 'user', content: 'waiting for a first frame' }] }, signal: new AbortController().signal };
    await runGeneration(context, chatCompletionsDialect(context), input, sink);
    expect(sink.answer?.kind).toBe('stream');
    expect(seen[0]).toEqual({ at: 'start', waiting: true, inFlight: 1 });
    expect(seen.filter((entry) => entry.at === 'write').length).toBeGreaterThan(1);
    expect(seen.filter((entry) => entry.at === 'write').every((entry) => !entry.waiting && entry.inFlight === 1)).toBe(true);
    expect(context.interactive.inFlight).toBe(0);
  });

  it('leaves no abort listener behind on a signal many requests share (a batch runner’s), and counts only interactive requests as interactive', async () => {
    const shared = new AbortController().signal;
    for (let index = 0; index < 3; index++) await run({ model: 'llama3.2', messages: [{ role: 'user', content: `shared signal ${index}` }] }, shared);
    expect(getEventListeners(shared, 'abort')).toHaveLength(0);
    expect(context.interactive.inFlight).toBe(0);
    const pending = run({ model: 'llama3.2', messages: [{ role: 'user', content: 'counted while running' }] });
    expect(context.interactive.inFlight).toBe(1);
    expect(context.interactive.usersWaiting).toBe(true);
    await pending;
    expect(context.interactive.inFlight).toBe(0);
    expect(context.interactive.usersWaiting).toBe(false);
  });

  it('streams into the sink in the dialect’s framing, ended by its terminator', async () => {
    const { answer, usage: event } = await run({ model: 'llama3.2', stream: true, messages: [{ role: 'user', content: 'a streamed line' }] });
    const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('a streamed line'));

    expect(answer?.kind).toBe('stream');
    if (answer?.kind !== 'stream') return;
    expect(answer.framing.format).toBe(FrameFormat.SseData);
    expect(answer.ended).toBe(true);
    const data = dataFrames(answer.frames);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((frame) => JSON.parse(frame) as { object: string; choices: { delta: { content?: string } }[] });
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe(recorded.content);
    expect(event).toMatchObject({ status: 'ok', stream: true, completionTokens: recorded.evalCount });
  });

  it('answers a refused body in the dialect’s error envelope, with its status', async () => {
    const { answer, usage: event } = await run({ model: 'llama3.2', messages: 'not a list' });

    expect(answer).toMatchObject({ kind: 'json', status: 400, body: { error: { type: 'invalid_request_error', param: 'messages' } } });
    expect(event).toMatchObject({ status: 'error', httpStatus: 400 });
  });

  it('starts no job for a caller already gone, and records the request as cancelled', async () => {
    const gone = new AbortController();
    gone.abort();
    const before = emulator.requests().length;
    const { answer, usage: event } = await run({ model: 'llama3.2', messages: [{ role: 'user', content: 'nobody waits' }] }, gone.signal);

    expect(answer).toBeUndefined();
    expect(event).toMatchObject({ status: 'cancelled', httpStatus: 499, errorCode: 'client_disconnected' });
    expect(event?.workerId).toBeUndefined();
    expect(emulator.requests().length).toBe(before);
  });
});
