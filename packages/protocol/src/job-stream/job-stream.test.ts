import { describe, expect, it } from 'vitest';
import { Cancel, Job } from '../job.ts';
import { WorkerReply } from '../reply.ts';
import { decodeCancel, decodeFinalData, decodeJob, decodeWorkerReply, JobStreamError, StreamFault } from './decode.ts';
import { encodeAccept, encodeCancel, encodeFailure, encodeFinal, encodeFinalByReference, encodeJob, encodeKeepAlive, encodeRawChunk, encodeRefuse } from './encode.ts';
import { encodeFinalData, fitsInline, jobBodyBlobName, planJob, type InlineJob } from './inline.ts';
import { ReplyReader, ReplyWriter } from './sequence.ts';
import { rawChunkLine } from './chunk-text.ts';

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const usage = { promptTokens: 3, completionTokens: 2, totalDurationNs: 10 };
const busy = { code: 'worker_full', message: 'full', retryable: true } as const;
const body = { model: 'llama3.2:latest', messages: [{ role: 'user', content: 'hi' }], stream: true };
const job = { v: 1, requestId: 'req-1', kind: 'chat', model: 'llama3.2:latest', body } as const;

/** The fault of what `run` throws, or 'none'. */
function faultOf(run: () => unknown): string {
  try {
    run();
    return 'none';
  } catch (error) {
    if (error instanceof JobStreamError) return error.fault;
    throw error;
  }
}

describe('job-stream encoders and decoders', () => {
  it.each([
    ['accept', encodeAccept('req-1', 'w1'), { v: 1, type: 'accept', requestId: 'req-1', workerId: 'w1' }],
    ['refuse', encodeRefuse('req-1', 'w1', busy), { v: 1, type: 'refuse', requestId: 'req-1', workerId: 'w1', error: busy }],
    ['raw chunk', encodeRawChunk('req-1', 0, '{"done":false,"response":"a"}'), { v: 1, type: 'chunk', requestId: 'req-1', seq: 0, data: { done: false, response: 'a' } }],
    ['final inline', encodeFinal('req-1', 4, { done: true }, usage, 'w1'), { v: 1, type: 'final', requestId: 'req-1', seq: 4, data: { done: true }, usage, workerId: 'w1' }],
    ['final inline from its JSON text', encodeFinal('req-1', 4, { done: true }, usage, 'w1', ' {"done": true, "s": "\\u0000\\"}"} '), { v: 1, type: 'final', requestId: 'req-1', seq: 4, data: { done: true, s: '\u0000"}' }, usage, workerId: 'w1' }],
    ['final by reference', encodeFinalByReference('req-1', 4, 'req-1.w1.final', usage, 'w1'), { v: 1, type: 'final', requestId: 'req-1', seq: 4, dataRef: 'req-1.w1.final', usage, workerId: 'w1' }],
    ['error', encodeFailure('req-1', 2, busy, 'w1'), { v: 1, type: 'error', requestId: 'req-1', seq: 2, error: busy, workerId: 'w1' }],
    ['keep-alive', encodeKeepAlive('req-1', 1), { v: 1, type: 'keepalive', requestId: 'req-1', seq: 1 }],
  ])('a %s reply decodes to what was encoded, and its schema agrees', (_name, encoded, expected) => {
    expect(decodeWorkerReply(bytes(encoded))).toEqual(expected);
    expect(WorkerReply.parse(JSON.parse(encoded))).toEqual(expected);
  });

  it.each([
    ['a job inline', encodeJob(job), job],
    ['a job by reference', encodeJob({ ...job, body: undefined, bodyRef: 'req-1.body' }), { v: 1, requestId: 'req-1', kind: 'chat', model: 'llama3.2:latest', bodyRef: 'req-1.body' }],
  ])('%s decodes to what was encoded', (_name, encoded, expected) => {
    expect(decodeJob(bytes(encoded))).toEqual(expected);
  });

  it.each([
    ['with a reason', encodeCancel('req-1', 'client went away'), { v: 1, requestId: 'req-1', reason: 'client went away' }],
    ['without one', encodeCancel('req-1'), { v: 1, requestId: 'req-1' }],
    ['with an empty reason, left out', encodeCancel('req-1', ''), { v: 1, requestId: 'req-1' }],
  ])('a cancel %s decodes to what was encoded', (_name, encoded, expected) => {
    expect(decodeCancel(bytes(encoded))).toEqual(expected);
    expect(Cancel.parse(JSON.parse(encoded))).toEqual(expected);
  });

  const chunk = { v: 1, type: 'chunk', requestId: 'req-1', seq: 0, data: { done: false } };
  it.each([
    ['a valid chunk', chunk],
    ['a negative seq', { ...chunk, seq: -1 }],
    ['a fractional seq', { ...chunk, seq: 1.5 }],
    ['a seq that is a string', { ...chunk, seq: '0' }],
    ['data that is an array', { ...chunk, data: [1] }],
    ['data that is null', { ...chunk, data: null }],
    ['data that is text', { ...chunk, data: 'token' }],
    ['no request id', { ...chunk, requestId: undefined }],
    ['another protocol version', { ...chunk, v: 2 }],
  ])('the chunk fast path accepts exactly what the Chunk schema accepts: %s', (_name, candidate) => {
    const schemaAccepts = WorkerReply.safeParse(candidate).success;
    expect(faultOf(() => decodeWorkerReply(bytes(JSON.stringify(candidate))))).toBe(schemaAccepts ? 'none' : StreamFault.Malformed);
  });

  it.each([
    ['text that is not JSON', 'data: {"x":1}'],
    ['an unknown reply type', '{"v":1,"type":"unknown","requestId":"req-1"}'],
    ['a final with neither data nor dataRef', '{"v":1,"type":"final","requestId":"req-1","seq":0,"usage":{"promptTokens":1,"completionTokens":1},"workerId":"w1"}'],
    ['a JSON array', '[1,2]'],
  ])('refuses %s as malformed', (_name, text) => {
    expect(faultOf(() => decodeWorkerReply(bytes(text)))).toBe(StreamFault.Malformed);
  });

  it.each([
    ['an invalid job that names its request', '{"v":1,"requestId":"broken-1","kind":"chat"}', 'broken-1'],
    ['a job that is not JSON', '{"v":1,"requestId":', undefined],
    ['a job whose request id is not text', '{"v":1,"requestId":7,"kind":"chat","model":"m","body":{}}', undefined],
  ])('refuses %s, naming the request when it can be read', (_name, text, requestId) => {
    const error = (() => {
      try {
        decodeJob(bytes(text));
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(JobStreamError);
    expect(error).toMatchObject({ fault: StreamFault.Malformed, requestId });
  });

  it.each([
    ['an object', encodeFinalData({ embeddings: [[0.1]] }), { embeddings: [[0.1]] }],
    ['an object stored as its JSON text', encodeFinalData({ embeddings: [[0.1]] }, '{"embeddings":[[0.10]]}'), { embeddings: [[0.1]] }],
    ['an array', bytes('[1]'), undefined],
    ['text that is not JSON', bytes('{"embeddings"'), undefined],
  ])('reads the data of a final by reference from %s', (_name, stored, expected) => {
    expect(decodeFinalData(stored)).toEqual(expected);
  });
});

describe('rawChunkLine', () => {
  it("gives back a chunk's native line exactly as the worker forwarded it, escapes included", () => {
    const line = '{"model":"llama3.2","response":"\\u003cb\\u003e \\u0026","done":false}';
    const reply = decodeWorkerReply(bytes(encodeRawChunk('req-"1"', 7, line)));
    expect(reply.type).toBe('chunk');
    const data = (reply as { data: Record<string, unknown> }).data;
    expect(data.response).toBe('<b> &');
    expect(rawChunkLine(data)).toBe(line);
  });

  it('has no line for an object that was not decoded from a chunk reply, or a reply in another layout', () => {
    expect(rawChunkLine({ model: 'llama3.2' })).toBeUndefined();
    const reordered = decodeWorkerReply(bytes('{"type":"chunk","v":1,"requestId":"r","seq":0,"data":{"done":false}}'));
    expect(rawChunkLine((reordered as { data: object }).data)).toBeUndefined();
  });
});

describe('ReplyReader', () => {
  const accept = encodeAccept('req-1', 'w1');
  const keepAlive = (seq: number) => encodeKeepAlive('req-1', seq);
  const token = (seq: number) => encodeRawChunk('req-1', seq, '{"done":false}');
  const final = (seq: number) => encodeFinal('req-1', seq, { done: true }, usage, 'w1');
  const failure = (seq: number) => encodeFailure('req-1', seq, busy, 'w1');

  it.each([
    ['accept, chunks, final', [accept, token(0), token(1), final(2)], 'none'],
    ['keep-alives count in the sequence', [accept, keepAlive(0), token(1), keepAlive(2), final(3)], 'none'],
    ['an embed: accept, final', [accept, final(0)], 'none'],
    ['a refusal carries no seq', [encodeRefuse('req-1', 'w1', busy)], 'none'],
    ['an error is taken whatever its seq', [accept, token(0), failure(7)], 'none'],
    ['a lost chunk', [accept, token(0), token(2)], StreamFault.OutOfSequence],
    ['a repeated chunk', [accept, token(0), token(0)], StreamFault.OutOfSequence],
    ['a final after a lost keep-alive', [accept, token(0), final(2)], StreamFault.OutOfSequence],
    ['a stream that starts past zero', [accept, keepAlive(1)], StreamFault.OutOfSequence],
  ])('%s', (_name, replies, expected) => {
    const reader = new ReplyReader();
    expect(faultOf(() => replies.forEach((reply) => reader.read(bytes(reply))))).toBe(expected);
  });
});

describe('ReplyWriter', () => {
  it('numbers chunks, keep-alives and the final in one sequence, which a reader accepts', () => {
    const writer = new ReplyWriter('req-1', 'w1');
    const sent = [writer.accept(), writer.chunk('{"done":false}', 1 << 20), writer.keepAlive(), writer.chunk('{"done":false}', 1 << 20), writer.final({ done: true }, usage, 1 << 20)];
    const reader = new ReplyReader();
    const replies = sent.map((payload) => reader.read(bytes(payload ?? '')));
    expect(replies.map((reply) => ('seq' in reply ? reply.seq : reply.type))).toEqual(['accept', 0, 1, 2, 3]);
  });

  it('takes no seq for a chunk too large to send, so the failure that follows closes the sequence', () => {
    const writer = new ReplyWriter('req-1', 'w1');
    expect(writer.chunk(`{"response":"${'x'.repeat(200)}"}`, 100)).toBeUndefined();
    expect(JSON.parse(writer.failure(busy))).toMatchObject({ type: 'error', seq: 0 });
  });

  it('takes no seq for a final too large to send inline; the final by reference takes it when sent', () => {
    const writer = new ReplyWriter('req-1', 'w1');
    expect(writer.final({ embeddings: [Array.from({ length: 100 }, () => 0.5)] }, usage, 200)).toBeUndefined();
    expect(JSON.parse(writer.keepAlive())).toMatchObject({ seq: 0 });
    expect(JSON.parse(writer.finalByReference('req-1.w1.final', usage))).toMatchObject({ type: 'final', seq: 1, dataRef: 'req-1.w1.final', usage });
  });
});

describe('inline or blob', () => {
  it.each([
    ['ASCII at the limit', 'a'.repeat(100), 100, true],
    ['ASCII one byte over', 'a'.repeat(101), 100, false],
    ['two-byte characters at the limit', 'é'.repeat(50), 100, true],
    ['two-byte characters one over', 'é'.repeat(51), 100, false],
    ['three-byte characters, judged without measuring', '€'.repeat(33), 100, true],
    ['four-byte characters (two code units each) at the limit', '😀'.repeat(25), 100, true],
    ['four-byte characters one over', '😀'.repeat(26), 100, false],
  ])('fitsInline: %s', (_name, payload, maxBytes, expected) => {
    expect(fitsInline(payload, maxBytes)).toBe(expected);
    expect(Buffer.byteLength(payload) <= maxBytes).toBe(expected);
  });

  const spec: InlineJob = { requestId: 'req-1', kind: 'chat', model: 'llama3.2:latest', body, keyId: 'key-1' };

  it('sends a job that fits as one message, body inline', () => {
    const plan = planJob(spec, 1 << 20);
    expect(plan.bodyBlob).toBeUndefined();
    expect(Job.parse(JSON.parse(plan.payload))).toEqual({ v: 1, ...spec });
  });

  it('sends the body of a job that does not fit ahead as a blob, which the job names', () => {
    const plan = planJob(spec, 100);
    expect(plan.bodyBlob?.name).toBe(jobBodyBlobName('req-1'));
    expect(JSON.parse(new TextDecoder().decode(plan.bodyBlob?.bytes))).toEqual(body);
    expect(decodeJob(bytes(plan.payload))).toEqual({ v: 1, requestId: 'req-1', kind: 'chat', model: 'llama3.2:latest', keyId: 'key-1', bodyRef: 'req-1.body' });
  });
});
