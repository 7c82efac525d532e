import { encodeJson, sendWorkerCommand, WorkerCommandError } from '@corral/bus';
import { WorkerCommandReply, type Heartbeat } from '@corral/protocol';
import { startEmulator, type Emulator } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './testing/index.ts';

const chatBody = (text: string) => ({ model: 'llama3.2:latest', messages: [{ role: 'user', content: text }], stream: true });
/** Far beyond any test: a heartbeat that arrives was sent because the state changed, not by the schedule. */
const SLOW_HEARTBEATS = { HEARTBEAT_INTERVAL_MS: '600000' };

describe('worker commands', () => {
  let harness: Harness;
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ tokensPerReply: 30, tokenDelayMs: 10, numParallel: 4 });
    harness = await createHarness();
  });

  afterAll(async () => {
    await harness?.close();
    await emulator?.close();
  });

  const beatsOf = (workerId: string) => harness.heartbeats.filter((heartbeat) => heartbeat.workerId === workerId);

  it('cordon: refuses new jobs as draining does, finishes the running one, and says so in a heartbeat at once', async () => {
    const worker = await harness.startWorker({ OLLAMA_URL: emulator.url, ...SLOW_HEARTBEATS });
    expect((await harness.heartbeat(worker.workerId)).cordoned).toBe(false);
    const running = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('already running') });
    await running.until((reply) => reply.type === 'chunk');

    expect(await sendWorkerCommand(harness.bus, worker.workerId, 'cordon')).toEqual({ v: 1, workerId: worker.workerId, cordoned: true, draining: false });
    const cordoned = await harness.heartbeat(worker.workerId, (heartbeat) => heartbeat.cordoned === true);
    expect(cordoned).toMatchObject({ draining: false, inflight: 1 });
    expect(cordoned.models.length).toBeGreaterThan(0);

    const refused = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('cordoned away') });
    expect(await refused.done).toEqual([
      { v: 1, type: 'refuse', requestId: refused.requestId, workerId: worker.workerId, error: { code: 'draining', message: 'the worker is cordoned', retryable: true } },
    ]);
    expect((await running.done).at(-1)?.type).toBe('final');
    expect((await emulator.waitFor((request) => JSON.stringify(request.body).includes('already running'))).cancelled).toBe(false);
    expect(emulator.requests().some((request) => JSON.stringify(request.body).includes('cordoned away'))).toBe(false);

    // Cordoning again changes nothing, so no heartbeat is sent for it. (A heartbeat published before
    // the reply would have arrived before it: one publisher's messages reach one connection in order.)
    const beatsBefore = beatsOf(worker.workerId).length;
    expect(await sendWorkerCommand(harness.bus, worker.workerId, 'cordon')).toMatchObject({ cordoned: true });
    expect(beatsOf(worker.workerId)).toHaveLength(beatsBefore);
  });

  it('uncordon: takes jobs again, and the heartbeat says so at once', async () => {
    const worker = await harness.startWorker({ OLLAMA_URL: emulator.url, ...SLOW_HEARTBEATS });
    await sendWorkerCommand(harness.bus, worker.workerId, 'cordon');
    await harness.heartbeat(worker.workerId, (heartbeat) => heartbeat.cordoned === true);
    expect(await sendWorkerCommand(harness.bus, worker.workerId, 'uncordon')).toEqual({ v: 1, workerId: worker.workerId, cordoned: false, draining: false });
    const cordonedAt = beatsOf(worker.workerId).findIndex((heartbeat) => heartbeat.cordoned === true);
    await harness.heartbeat(worker.workerId, () => beatsOf(worker.workerId).slice(cordonedAt + 1).some((heartbeat) => heartbeat.cordoned === false));

    const accepted = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('welcome back') });
    const replies = await accepted.done;
    expect(replies[0]?.type).toBe('accept');
    expect(replies.at(-1)?.type).toBe('final');
  });

  it('drain: finishes the job in flight, then says goodbye and closes; uncordon cannot undo it', async () => {
    const worker = await harness.startWorker({ OLLAMA_URL: emulator.url, ...SLOW_HEARTBEATS });
    const running = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('drain around me') });
    await running.until((reply) => reply.type === 'chunk');

    expect(await sendWorkerCommand(harness.bus, worker.workerId, 'drain')).toEqual({ v: 1, workerId: worker.workerId, cordoned: true, draining: true });
    await harness.heartbeat(worker.workerId, (heartbeat) => heartbeat.draining && heartbeat.cordoned === true && heartbeat.models.length > 0);
    await expect(sendWorkerCommand(harness.bus, worker.workerId, 'uncordon')).rejects.toMatchObject({ name: 'WorkerCommandError', code: 'conflict' });
    const late = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('after the drain command') });
    expect((await late.done).map((reply) => reply.type)).toEqual(['refuse']);

    await worker.drained();
    expect((await running.done).at(-1)?.type).toBe('final');
    expect(worker.inflight()).toBe(0);
    const goodbye = await harness.heartbeat(worker.workerId, (heartbeat) => heartbeat.models.length === 0);
    expect(goodbye).toMatchObject({ draining: true, inflight: 0 });
    // Closed: nobody answers on its command subject any more.
    await expect(sendWorkerCommand(harness.bus, worker.workerId, 'cordon')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('answers a malformed command with a bad_request error and keeps serving', async () => {
    const worker = await harness.startWorker({ OLLAMA_URL: emulator.url, ...SLOW_HEARTBEATS });
    const subject = harness.bus.subjects.workerCommands(worker.workerId);
    const ask = async (payload: Uint8Array) => WorkerCommandReply.parse(JSON.parse(new TextDecoder().decode(await harness.bus.requestBytes(subject, payload, 5000))));
    for (const payload of [new TextEncoder().encode('not json{'), encodeJson({ v: 1, command: 'reboot' }), encodeJson({ command: 'cordon' }), encodeJson([])]) {
      const reply = await ask(payload);
      expect(reply).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringContaining('invalid worker command') } });
    }
    // Nothing was applied, and the worker still works.
    expect(beatsOf(worker.workerId).every((heartbeat: Heartbeat) => heartbeat.cordoned === false)).toBe(true);
    const call = harness.submit(worker.workerId, { kind: 'chat', model: 'llama3.2:latest', body: chatBody('still serving') });
    expect((await call.done).at(-1)?.type).toBe('final');
    expect(await sendWorkerCommand(harness.bus, worker.workerId, 'cordon')).toMatchObject({ cordoned: true });
  });

  it('the client says clearly when no worker answers, or the id cannot be one', async () => {
    const missing = sendWorkerCommand(harness.bus, 'no-such-worker', 'cordon', { timeoutMs: 5000 });
    await expect(missing).rejects.toBeInstanceOf(WorkerCommandError);
    await expect(missing).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('no worker no-such-worker is listening') });
    await expect(sendWorkerCommand(harness.bus, 'a.b', 'cordon')).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('not a worker id') });
  });
});
