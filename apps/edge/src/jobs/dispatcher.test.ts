import { randomBytes } from 'node:crypto';
import { connectBus, type Bus, type Msg } from '@corral/bus';
import { decodeCancel, decodeJob, encodeAccept, encodeFailure, encodeFinal, encodeKeepAlive, encodeRawChunk, encodeRefuse, PROTOCOL_VERSION, type Cancel, type Heartbeat } from '@corral/protocol';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FleetTable } from '../fleet/fleet-table.ts';
import { Dispatcher } from './dispatcher.ts';
import type { JobEvent } from './job-run.ts';

/*
 * The dispatcher against workers that speak the job-stream protocol over real NATS, scripted to
 * misbehave in ways a healthy worker never does (gaps, garbage), which the e2e suites cannot provoke.
 */

const usage = { promptTokens: 1, completionTokens: 1 };
const busy = { code: 'worker_full', message: 'full', retryable: true } as const;

function heartbeat(workerId: string, loaded: boolean): Heartbeat {
  return {
    v: PROTOCOL_VERSION,
    workerId,
    upstream: 'scripted',
    models: [{ name: 'llama3.2:latest', loaded, capabilities: ['completion'] }],
    capacity: 4,
    maxInflight: 16,
    inflight: 0,
    draining: false,
    upstreamHealthy: true,
    sentAt: Date.now(),
    intervalMs: 60_000,
  };
}

/** What a scripted worker answers a job with: encoded replies, given the job's request id. */
type Script = (requestId: string) => string[];

describe('Dispatcher failover and stream checks', () => {
  let bus: Bus;
  let dispatcher: Dispatcher;
  const scripts = new Map<string, Script>();
  const cancels: Array<Cancel & { workerId: string }> = [];
  let counter = 0;

  beforeAll(async () => {
    bus = await connectBus({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', name: 'dispatcher-test', prefix: `dp${process.pid}${randomBytes(4).toString('hex')}` });
    const fleet = new FleetTable();
    // The loaded worker is tried first.
    fleet.observe(heartbeat('first', true));
    fleet.observe(heartbeat('second', false));
    for (const workerId of ['first', 'second']) {
      bus.nc.subscribe(bus.subjects.workerJobs(workerId), {
        callback: (_error, msg: Msg) => {
          const job = decodeJob(msg.data);
          for (const reply of scripts.get(workerId)?.(job.requestId) ?? []) bus.publishRaw(msg.reply!, reply);
        },
      });
      bus.nc.subscribe(bus.subjects.workerCancels(workerId), {
        callback: (_error, msg: Msg) => {
          cancels.push({ ...decodeCancel(msg.data), workerId });
        },
      });
    }
    await bus.nc.flush();
    dispatcher = new Dispatcher(bus, fleet, { acceptTimeoutMs: 10_000, idleTimeoutMs: 10_000, retryAfterSeconds: 1 });
  });
  afterAll(async () => {
    await bus?.close();
  });
  beforeEach(() => {
    scripts.clear();
    cancels.length = 0;
  });

  /** Runs one job to its end: the events it yielded, and the error it ended with, if any. */
  async function run(): Promise<{ requestId: string; events: JobEvent[]; error?: { code: string; message: string } }> {
    const requestId = `req-${counter++}`;
    const jobRun = dispatcher.run({ requestId, kind: 'generate', model: 'llama3.2:latest', body: { model: 'llama3.2:latest', prompt: 'hi' } });
    const events: JobEvent[] = [];
    try {
      for await (const event of jobRun.events) events.push(event);
    } catch (error) {
      return { requestId, events, error: error as { code: string; message: string } };
    }
    return { requestId, events };
  }

  /** Every cancel the dispatcher published so far: a marker sent after them on the same connection arrives after them. */
  async function cancelsSoFar(): Promise<typeof cancels> {
    const marker = `marker-${counter++}`;
    bus.publishRaw(bus.subjects.workerCancels('first'), JSON.stringify({ v: PROTOCOL_VERSION, requestId: marker }));
    while (!cancels.some((cancel) => cancel.requestId === marker)) await new Promise((resolve) => setImmediate(resolve));
    return cancels.filter((cancel) => !cancel.requestId.startsWith('marker-'));
  }

  const healthy: Script = (id) => [encodeAccept(id, 'second'), encodeRawChunk(id, 0, '{"response":"ok","done":false}'), encodeFinal(id, 1, { done: true }, usage, 'second')];
  const served = [
    { type: 'chunk', data: { response: 'ok', done: false } },
    { type: 'final', data: { done: true }, usage, workerId: 'second' },
  ];

  it.each([
    ['a refusal', (id: string) => [encodeRefuse(id, 'first', busy)], false],
    ['a gap before anything streamed', (id: string) => [encodeAccept(id, 'first'), encodeKeepAlive(id, 1)], true],
    ['a reply that is not JSON', (id: string) => [encodeAccept(id, 'first'), '{"v":1,"type":"chunk"'], true],
    ['a retryable error before anything streamed', (id: string) => [encodeAccept(id, 'first'), encodeFailure(id, 0, { code: 'upstream_unavailable', message: 'down', retryable: true }, 'first')], false],
  ])('moves on to the next worker after %s, cancelling the first only when it may still run', async (_case, script, cancelled) => {
    scripts.set('first', script);
    scripts.set('second', healthy);
    const { requestId, events, error } = await run();
    expect(error).toBeUndefined();
    expect(events).toEqual(served);
    expect(await cancelsSoFar()).toEqual(cancelled ? [{ v: PROTOCOL_VERSION, requestId, workerId: 'first' }] : []);
  });

  it('ends the stream with upstream_error after a gap once a chunk reached the caller, and cancels the worker', async () => {
    scripts.set('first', (id) => [encodeAccept(id, 'first'), encodeRawChunk(id, 0, '{"response":"a","done":false}'), encodeRawChunk(id, 2, '{"response":"c","done":false}')]);
    scripts.set('second', healthy);
    const { requestId, events, error } = await run();
    expect(events).toEqual([{ type: 'chunk', data: { response: 'a', done: false } }]);
    expect(error).toMatchObject({ code: 'upstream_error', message: 'lost messages from worker' });
    expect(await cancelsSoFar()).toEqual([{ v: PROTOCOL_VERSION, requestId, workerId: 'first' }]);
  });

  it("takes a non-retryable error as the worker's last word: no other worker, no cancel", async () => {
    scripts.set('first', (id) => [encodeAccept(id, 'first'), encodeFailure(id, 0, { code: 'bad_request', message: 'invalid options', status: 400, retryable: false }, 'first')]);
    scripts.set('second', healthy);
    const { events, error } = await run();
    expect(events).toEqual([]);
    expect(error).toMatchObject({ code: 'bad_request', message: 'invalid options' });
    expect(await cancelsSoFar()).toEqual([]);
  });
});
