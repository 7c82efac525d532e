import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@corral/protocol';
import { AsyncQueue } from '../jobs/async-queue.ts';
import { JobError } from '../jobs/job-error.ts';
import type { JobDispatcher, JobEvent, JobRun, JobSpec } from '../jobs/job-run.ts';
import { EmbedCoalescer, shareOut } from './embed-coalescer.ts';

/** A dispatcher that answers every embed call itself: one vector [i] per input, 3 prompt tokens per input. */
class AnsweringDispatcher implements JobDispatcher {
  readonly calls: JobSpec[] = [];
  readonly cancelled: string[] = [];
  failWith: JobError | undefined;

  spareSlots(): number {
    return 4;
  }

  run(spec: JobSpec): JobRun {
    this.calls.push(spec);
    const events = new AsyncQueue<JobEvent>();
    const inputs = Array.isArray(spec.body.input) ? (spec.body.input as string[]) : [];
    setImmediate(() => {
      if (this.failWith) return events.fail(this.failWith);
      events.push({ type: 'final', data: { model: spec.model, embeddings: inputs.map((input) => [Number(input.split(':')[1])]) }, usage: { promptTokens: inputs.length * 3, completionTokens: 0 }, workerId: 'w1' });
      events.end();
    });
    return { requestId: spec.requestId, events, workerId: () => 'w1', cancel: (reason) => this.cancelled.push(reason) };
  }
}

function embedSpec(requestId: string, inputs: string[], options: Record<string, unknown> = {}): JobSpec {
  return { requestId, kind: 'embed', model: 'all-minilm:latest', keyId: 'k1', lane: 'batch', body: { model: 'all-minilm:latest', input: inputs, ...options } };
}

async function finalOf(run: JobRun): Promise<Extract<JobEvent, { type: 'final' }>> {
  for await (const event of run.events) if (event.type === 'final') return event;
  throw new Error('no final');
}

describe('shareOut', () => {
  it.each([
    { total: 10, weights: [1, 1], expected: [5, 5] },
    { total: 10, weights: [1, 2], expected: [3, 7] },
    { total: 7, weights: [1, 1, 1], expected: [3, 2, 2] },
    { total: 0, weights: [4, 5], expected: [0, 0] },
    { total: 5, weights: [0, 0], expected: [5, 0] },
    { total: 9, weights: [], expected: [] },
  ])('splits $total over $weights as $expected, adding up exactly', ({ total, weights, expected }) => {
    const shares = shareOut(total, weights);
    expect(shares).toEqual(expected);
    if (weights.length > 0) expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
  });
});

describe('EmbedCoalescer', () => {
  it('sends the embed jobs of one turn as one call and gives each its own vectors and share of the tokens', async () => {
    const inner = new AnsweringDispatcher();
    const coalescer = new EmbedCoalescer(inner, { maxInputs: 100 });
    const runs = [coalescer.run(embedSpec('a', ['a:1', 'a:2'])), coalescer.run(embedSpec('b', ['b:3'])), coalescer.run(embedSpec('c', ['c:4', 'c:5', 'c:6']))];
    const finals = await Promise.all(runs.map(finalOf));
    expect(inner.calls).toHaveLength(1);
    expect(inner.calls[0]!.body.input).toEqual(['a:1', 'a:2', 'b:3', 'c:4', 'c:5', 'c:6']);
    expect(inner.calls[0]!.requestId).not.toMatch(/^[abc]$/);
    expect(finals.map((final) => final.data.embeddings)).toEqual([[[1], [2]], [[3]], [[4], [5], [6]]]);
    expect(finals.map((final) => final.usage.promptTokens)).toEqual([6, 3, 9]);
    expect(finals.map((final) => final.data.prompt_eval_count)).toEqual([6, 3, 9]);
  });

  it('keeps a held group open across turns, sends it whole once released, and still sends a full group at once', async () => {
    const inner = new AnsweringDispatcher();
    const coalescer = new EmbedCoalescer(inner, { maxInputs: 4 });
    const release = coalescer.hold();
    const runs = [coalescer.run(embedSpec('a', ['a:1']))];
    for (let turn = 0; turn < 5; turn++) await nextTurn();
    expect(inner.calls).toHaveLength(0);
    runs.push(coalescer.run(embedSpec('b', ['b:2', 'b:3'])), coalescer.run(embedSpec('c', ['c:4', 'c:5'])));
    // a + b filled 3 of 4 inputs; c did not fit, so a + b went as one call although held.
    expect(inner.calls.map((call) => call.body.input)).toEqual([['a:1', 'b:2', 'b:3']]);
    release();
    release();
    const finals = await Promise.all(runs.map(finalOf));
    expect(inner.calls.map((call) => call.body.input)).toEqual([['a:1', 'b:2', 'b:3'], ['c:4', 'c:5']]);
    expect(finals.map((final) => final.data.embeddings)).toEqual([[[1]], [[2], [3]], [[4], [5]]]);
  });

  it('keeps jobs with different options, models or keys in separate calls, and splits a group at maxInputs', async () => {
    const inner = new AnsweringDispatcher();
    const coalescer = new EmbedCoalescer(inner, { maxInputs: 4 });
    const runs = [
      coalescer.run(embedSpec('a', ['a:1', 'a:2'])),
      coalescer.run(embedSpec('b', ['b:1', 'b:2'], { dimensions: 8 })),
      coalescer.run({ ...embedSpec('c', ['c:1']), keyId: 'k2' }),
      coalescer.run(embedSpec('d', ['d:1', 'd:2'])),
      coalescer.run(embedSpec('e', ['e:1'])),
    ];
    await Promise.all(runs.map(finalOf));
    expect(inner.calls.map((call) => call.body.input)).toEqual([['a:1', 'a:2', 'd:1', 'd:2'], ['b:1', 'b:2'], ['c:1'], ['e:1']]);
  });

  it('keeps a group open while members join turn after turn, and sends it after a turn without one', async () => {
    const inner = new AnsweringDispatcher();
    const coalescer = new EmbedCoalescer(inner, { maxInputs: 100 });
    const runs: JobRun[] = [];
    for (let turn = 0; turn < 5; turn++) {
      runs.push(coalescer.run(embedSpec(`t${turn}`, [`t${turn}:${turn}`])));
      await nextTurn();
    }
    expect(inner.calls).toHaveLength(0);
    const finals = await Promise.all(runs.map(finalOf));
    expect(inner.calls.map((call) => call.body.input)).toEqual([['t0:0', 't1:1', 't2:2', 't3:3', 't4:4']]);
    expect(finals.map((final) => final.data.embeddings)).toEqual([[[0]], [[1]], [[2]], [[3]], [[4]]]);

    // A member after the call left starts the next call.
    const late = coalescer.run(embedSpec('late', ['late:9']));
    expect((await finalOf(late)).data.embeddings).toEqual([[9]]);
    expect(inner.calls).toHaveLength(2);
  });

  it('passes other jobs straight through', () => {
    const inner = new AnsweringDispatcher();
    const coalescer = new EmbedCoalescer(inner, { maxInputs: 4 });
    coalescer.run({ requestId: 'chat', kind: 'chat', model: 'llama3.2', body: { messages: [] } });
    coalescer.run(embedSpec('big', ['1:1', '1:2', '1:3', '1:4', '1:5']));
    expect(inner.calls.map((call) => call.requestId)).toEqual(['chat', 'big']);
  });

  it('fails every member with the call’s error, and cancels the call only when every member is cancelled', async () => {
    const inner = new AnsweringDispatcher();
    inner.failWith = new JobError(ErrorCode.UpstreamError, 'the GPU caught fire');
    const coalescer = new EmbedCoalescer(inner, { maxInputs: 10 });
    const first = coalescer.run(embedSpec('a', ['a:1']));
    const second = coalescer.run(embedSpec('b', ['b:1']));
    await expect(finalOf(first)).rejects.toMatchObject({ code: ErrorCode.UpstreamError });
    await expect(finalOf(second)).rejects.toMatchObject({ code: ErrorCode.UpstreamError });

    const healthy = new AnsweringDispatcher();
    const quiet = new EmbedCoalescer(healthy, { maxInputs: 10 });
    const kept = quiet.run(embedSpec('a', ['a:7']));
    const dropped = quiet.run(embedSpec('b', ['b:8']));
    while (healthy.calls.length === 0) await nextTurn();
    dropped.cancel('client gone');
    expect(healthy.cancelled).toEqual([]);
    await expect(finalOf(dropped)).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect((await finalOf(kept)).data.embeddings).toEqual([[7]]);
  });
});
