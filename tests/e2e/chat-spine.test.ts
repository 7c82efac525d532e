import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useWiredStack } from './wired-stack.ts';

/** Issue: the streaming spine, judged by the official OpenAI SDK. */
describe('chat completions through edge → NATS → worker → emulator', () => {
  const wired = useWiredStack({ workers: [{ emulator: { tokensPerReply: 8 } }] });

  const emulator = () => wired.stack.workers[0]!.emulator;

  it('answers a non-streamed request with the emulator reply and exact usage', async () => {
    const completion = await wired.client.chat.completions.create({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say something non-streamed' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      max_tokens: 100,
    });
    const upstream = emulator().requests().at(-1)!;
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]!.message.role).toBe('assistant');
    expect(completion.choices[0]!.message.content).toBe(upstream.content);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
    expect(completion.usage).toMatchObject({ prompt_tokens: upstream.promptEvalCount, completion_tokens: upstream.evalCount, total_tokens: upstream.promptEvalCount + upstream.evalCount });
    const options = (upstream.body as { options?: Record<string, unknown> }).options;
    expect(options).toMatchObject({ temperature: 0.2, top_p: 0.9, seed: 7, num_predict: 100 });
  });

  it('streams the same content the emulator produced, then the usage chunk with exact counts', async () => {
    const stream = await wired.client.chat.completions.create({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Stream me something' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finishReason: string | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      content += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishReason = chunk.choices[0].finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    const upstream = emulator().requests().at(-1)!;
    expect(chunks).toBeGreaterThan(3);
    expect(content).toBe(upstream.content);
    expect(content.length).toBeGreaterThan(0);
    expect(finishReason).toBe('stop');
    expect(usage).toEqual({ prompt_tokens: upstream.promptEvalCount, completion_tokens: upstream.evalCount, total_tokens: upstream.promptEvalCount + upstream.evalCount });
  });

  it("carries the caller's W3C traceparent to Ollama on every job, and drops a malformed one", async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'traced twice' }], n: 2 }, { headers: { traceparent } });
    const traced = emulator()
      .requests()
      .filter((request) => JSON.stringify(request.body).includes('traced twice'));
    expect(traced.map((request) => request.headers.traceparent)).toEqual([traceparent, traceparent]);

    await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'badly traced' }] }, { headers: { traceparent: 'not-a-trace' } });
    expect(emulator().requests().at(-1)!.headers.traceparent).toBeUndefined();
  });

  it('honours max_completion_tokens and reports finish_reason length', async () => {
    const completion = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'long please' }], max_completion_tokens: 3 });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it('passes stop sequences to Ollama and stops there', async () => {
    const probe = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'stop test' }] });
    const words = (probe.choices[0]!.message.content ?? '').trim().split(/\s+/);
    const stopWord = words[3]!;
    const stopped = await wired.client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'stop test' }], stop: stopWord });
    const upstream = emulator().requests().at(-1)!;
    expect((upstream.body as { options?: { stop?: string[] } }).options?.stop).toEqual([stopWord]);
    expect(stopped.choices[0]!.message.content).not.toContain(stopWord);
    expect(stopped.choices[0]!.finish_reason).toBe('stop');
    expect((stopped.choices[0]!.message.content ?? '').length).toBeLessThan((probe.choices[0]!.message.content ?? '').length);
  });

  it('returns OpenAI-shaped errors with the right status for bad input', async () => {
    const post = (body: string, contentType = 'application/json') =>
      fetch(`${wired.stack.edgeUrl}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': contentType }, body });
    const cases: { body: string; status: number; param?: string | null }[] = [
      { body: '{"model": "llama3.2", "messages": [', status: 400 },
      { body: JSON.stringify({ model: 'llama3.2', messages: [] }), status: 400, param: 'messages' },
      { body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }), status: 400, param: 'model' },
      { body: JSON.stringify({ model: 'llama3.2', messages: 'hello' }), status: 400, param: 'messages' },
      { body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], temperature: 'hot' }), status: 400, param: 'temperature' },
      { body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], max_tokens: -1 }), status: 400, param: 'max_tokens' },
      { body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'wizard', content: 'hi' }] }), status: 400 },
    ];
    for (const testCase of cases) {
      const response = await post(testCase.body);
      const body = (await response.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
      expect(response.status, testCase.body).toBe(testCase.status);
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.message.length).toBeGreaterThan(5);
      if (testCase.param !== undefined) expect(body.error.param, testCase.body).toBe(testCase.param);
    }
    const oversized = await post(JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'x'.repeat(30 * 1024 * 1024) }] }));
    expect(oversized.status).toBe(413);
    expect(((await oversized.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('answers an unknown model with 404 model_not_found, streamed or not', async () => {
    await expect(wired.client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(wired.client.chat.completions.create({ model: 'no-such-model', stream: true, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404 });
  });

  it('lists the fleet models and retrieves one', async () => {
    const models = await wired.client.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toContain('llama3.2:latest');
    expect(ids).toContain('qwen3:latest');
    const one = await wired.client.models.retrieve('llama3.2:latest');
    expect(one).toMatchObject({ id: 'llama3.2:latest', object: 'model', owned_by: 'library' });
    await expect(wired.client.models.retrieve('nope:1b')).rejects.toMatchObject({ status: 404 });
  });

  it('cancels the upstream Ollama request when the client disconnects', async () => {
    emulator().setOptions({ tokenDelayMs: 50, tokensPerReply: 200 });
    try {
      const controller = new AbortController();
      const stream = await wired.client.chat.completions.create(
        { model: 'llama3.2', messages: [{ role: 'user', content: 'a long story to abandon' }], stream: true },
        { signal: controller.signal },
      );
      let received = 0;
      // The SDK ends the iteration quietly (or with an AbortError) once its signal is aborted.
      try {
        for await (const _chunk of stream) {
          if (++received === 3) controller.abort();
        }
      } catch (error) {
        expect((error as Error).name).toMatch(/Abort/);
      }
      expect(received).toBeGreaterThanOrEqual(3);
      const cancelled = await emulator().waitFor((request) => request.cancelled && JSON.stringify(request.body).includes('a long story to abandon'), 10_000);
      expect(cancelled.cancelled).toBe(true);
      expect(cancelled.evalCount).toBeLessThan(200);
    } finally {
      emulator().setOptions({ tokenDelayMs: 0, tokensPerReply: 8 });
    }
  });
});
