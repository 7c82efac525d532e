import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BlobFailure, deleteBlobBucket, ensureBlobBucket, maxInlinePayload, putBlob, readBlob, takeBlob } from '@corral/bus';
import { startEmulator, type Emulator } from '@corral/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, sequenceOf, type Harness } from './testing/index.ts';

const encoder = new TextEncoder();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface EmbedData {
  model: string;
  embeddings: number[][];
  prompt_eval_count: number;
}

/** Enough all-minilm inputs (384 values each) for an /api/embed answer of several MB. */
function manyInputs(count: number, label: string): string[] {
  return Array.from({ length: count }, (_, index) => `${label} input number ${index}`);
}

describe('worker payloads above NATS max_payload, through the object store', () => {
  let harness: Harness;
  let emulator: Emulator;
  let workerId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ tokensPerReply: 4 });
    harness = await createHarness();
    workerId = (await harness.startWorker({ OLLAMA_URL: emulator.url })).workerId;
  });

  afterAll(async () => {
    if (harness) await deleteBlobBucket(harness.bus);
    await harness?.close();
    await emulator?.close();
  });

  it('runs a job whose body was parked as a blob, posting Ollama the whole body, and leaves the blob to the edge', async () => {
    const image = randomBytes(3 * 1024 * 1024).toString('base64');
    const body = { model: 'llava:latest', messages: [{ role: 'user', content: 'describe by reference', images: [image] }], stream: true };
    const requestId = randomUUID();
    const bodyRef = `${requestId}.body`;
    const stored = JSON.stringify(body);
    expect(stored.length).toBeGreaterThan(harness.bus.nc.info!.max_payload);
    await putBlob(harness.bus, bodyRef, encoder.encode(stored));

    const call = harness.submit(workerId, { requestId, kind: 'chat', model: 'llava:latest', bodyRef });
    const replies = await call.done;
    const recorded = await emulator.waitFor((request) => JSON.stringify(request.body).includes('describe by reference'));

    const received = (recorded.body as { messages: Array<{ images: string[] }> }).messages[0]!.images[0]!;
    expect(received.length).toBe(image.length);
    expect(sha256(received)).toBe(sha256(image));
    expect(replies[0]?.type).toBe('accept');
    expect(replies.at(-1)?.type).toBe('final');
    expect(replies.filter((reply) => reply.type === 'chunk')).toHaveLength(recorded.evalCount);
    expect(sequenceOf(replies)).toEqual(replies.slice(1).map((_reply, index) => index));
    // A retry on another worker would read it again; the edge deletes it when the request ends.
    expect((await readBlob(harness.bus, bodyRef)).length).toBe(stored.length);
  });

  it('fails a job whose body blob is gone with bad_request, without calling Ollama', async () => {
    const requestsBefore = emulator.requests().length;
    const call = harness.submit(workerId, { kind: 'chat', model: 'llama3.2:latest', bodyRef: 'expired-long-ago.body' });
    const replies = await call.done;
    expect(replies.map((reply) => reply.type)).toEqual(['accept', 'error']);
    const failure = replies[1];
    if (failure?.type !== 'error') throw new Error('expected an error reply');
    expect(failure.error).toMatchObject({ code: 'bad_request', retryable: false });
    expect(failure.error.message).toContain('expired-long-ago.body');
    expect(failure.error.message).toContain('object store');
    expect(emulator.requests().length).toBe(requestsBefore);
  });

  it('sends an /api/embed answer larger than max_payload as a blob reference, intact, usage inline', async () => {
    const input = manyInputs(600, 'by reference');
    const call = harness.submit(workerId, { kind: 'embed', model: 'all-minilm:latest', body: { model: 'all-minilm:latest', input } });
    const replies = await call.done;
    // Storing several MB may outlast the keep-alive interval on a busy machine: keep-alives may come first.
    const answered = replies.filter((reply) => reply.type !== 'keepalive');
    expect(answered.map((reply) => reply.type)).toEqual(['accept', 'final']);
    const final = answered[1];
    if (final?.type !== 'final' || final.dataRef === undefined) throw new Error('expected a final by reference');
    expect(final.data).toBeUndefined();
    expect(sequenceOf(replies)).toEqual(replies.slice(1).map((_reply, index) => index));
    expect(call.raw[replies.indexOf(final)]!.length).toBeLessThan(maxInlinePayload(harness.bus));

    const stored = await takeBlob(harness.bus, final.dataRef);
    expect(stored.length).toBeGreaterThan(harness.bus.nc.info!.max_payload);
    const data = JSON.parse(new TextDecoder().decode(stored)) as EmbedData;
    const direct = (await (await fetch(`${emulator.url}/api/embed`, { method: 'POST', body: JSON.stringify({ model: 'all-minilm:latest', input }) })).json()) as EmbedData;
    expect(data.embeddings).toHaveLength(input.length);
    expect(data.embeddings).toEqual(direct.embeddings);
    expect(final.usage).toMatchObject({ promptTokens: data.prompt_eval_count, completionTokens: 0 });
    // Taken once: the blob is gone.
    await expect(readBlob(harness.bus, final.dataRef)).rejects.toMatchObject({ reason: BlobFailure.Missing });
  });

  it('keeps a final that fits inline, with no blob involved', async () => {
    const input = manyInputs(4, 'inline');
    const call = harness.submit(workerId, { kind: 'embed', model: 'all-minilm:latest', body: { model: 'all-minilm:latest', input } });
    const replies = await call.done;
    const final = replies[1];
    if (final?.type !== 'final') throw new Error('expected a final reply');
    expect(final.dataRef).toBeUndefined();
    expect((final.data?.embeddings as number[][] | undefined)?.length).toBe(4);
  });
});

describe('worker replies the object store cannot take', () => {
  let harness: Harness;
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator();
    harness = await createHarness();
    // A bucket of 64 KiB: the worker opens it as it is, and a large reply cannot fit in it.
    await ensureBlobBucket(harness.bus, { maxBucketBytes: 64 * 1024 });
  });

  afterAll(async () => {
    if (harness) await deleteBlobBucket(harness.bus);
    await harness?.close();
    await emulator?.close();
  });

  it('answers upstream_error naming the cause instead of dropping the reply', async () => {
    const { workerId } = await harness.startWorker({ OLLAMA_URL: emulator.url });
    const call = harness.submit(workerId, { kind: 'embed', model: 'all-minilm:latest', body: { model: 'all-minilm:latest', input: manyInputs(600, 'no room') } });
    const replies = await call.done;
    // Trying to store several MB may outlast the keep-alive interval on a busy machine.
    const answered = replies.filter((reply) => reply.type !== 'keepalive');
    expect(answered.map((reply) => reply.type)).toEqual(['accept', 'error']);
    const failure = answered[1];
    if (failure?.type !== 'error') throw new Error('expected an error reply');
    expect(failure.error).toMatchObject({ code: 'upstream_error', retryable: false });
    expect(failure.error.message).toContain('object store');
  });
});
