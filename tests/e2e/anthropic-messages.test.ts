import Anthropic from '@anthropic-ai/sdk';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import type { ChatRequest } from '@corral/ollama';
import { startStack, type Stack } from '@corral/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey } from './cli.ts';
import { pngLike, startImageServer, type ImageServer } from './image-server.ts';
import { waitForUsageRows } from './usage-rows.ts';

/** Anthropic's Messages API through the whole stack, with the official SDK and real keys. */
describe('/v1/messages with the @anthropic-ai/sdk', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let images: ImageServer;
  let client: Anthropic;
  let keyId: string;
  let key: string;
  const cat = pngLike('cat');

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2eanth');
    images = await startImageServer({ '/cat.png': { contentType: 'image/png', body: cat } });
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 6 } }], accounting: { databaseUrl }, edgeEnv: { IMAGE_FETCH_ALLOWED_HOSTS: images.host } });
    database = new pg.Pool({ connectionString: databaseUrl });
    ({ key, id: keyId } = await createKey(stack.env, '--name', 'anthropic-user'));
    client = new Anthropic({ baseURL: stack.edgeUrl, apiKey: key, maxRetries: 0 });
  });
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    await images?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const emulator = () => stack.workers[0]!.emulator;
  const upstream = () => emulator().requests().at(-1)!;
  const upstreamBody = () => upstream().body as ChatRequest;
  const weatherTool: Anthropic.Tool = { name: 'get_weather', description: 'Current weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

  it('messages.create: a Message whose text and usage are the model’s', async () => {
    // Sampling fields older SDK versions typed (this one no longer does): clients still send them.
    const sampling = { temperature: 0.3, top_k: 20 };
    const message = await client.messages.create({ model: 'llama3.2', max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }], stop_sequences: ['END'], ...sampling } as Anthropic.MessageCreateParamsNonStreaming);
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'llama3.2', stop_reason: 'end_turn', stop_sequence: null });
    expect(message.id).toMatch(/^msg_[0-9a-f]{24}$/);
    expect(message.content).toEqual([{ type: 'text', text: upstream().content }]);
    expect(message.usage).toMatchObject({ input_tokens: upstream().promptEvalCount, output_tokens: upstream().evalCount });
    expect(upstreamBody()).toMatchObject({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello' }], options: { num_predict: 64, temperature: 0.3, top_k: 20, stop: ['END'] } });
  });

  it('messages.stream + finalMessage(): the events in Anthropic’s order and the same Message', async () => {
    const stream = client.messages.stream({ model: 'llama3.2', max_tokens: 64, messages: [{ role: 'user', content: 'Stream please' }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const message = await stream.finalMessage();
    expect(types.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(types.filter((type) => type === 'content_block_delta').length).toBeGreaterThan(1);
    expect(message.content).toEqual([{ type: 'text', text: upstream().content }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage).toMatchObject({ input_tokens: upstream().promptEvalCount, output_tokens: upstream().evalCount });
  });

  it('the raw stream: event: + data: frames with a ping and no [DONE]', async () => {
    const response = await fetch(`${stack.edgeUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'interleaved-thinking-2025-05-14' },
      body: JSON.stringify({ model: 'llama3.2', max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'raw' }] }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await response.text();
    expect(text.startsWith('event: message_start\ndata: {"type":"message_start"')).toBe(true);
    expect(text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    expect(text).not.toContain('[DONE]');
  });

  it('a tool round trip: tool_use → tool_result → the answer', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: 'What is the weather in Paris? Use get_weather.' };
    const first = await client.messages.create({ model: 'llama3.2', max_tokens: 128, tools: [weatherTool], messages: [question] });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use')!;
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: expect.any(String) } });

    const second = await client.messages.create({
      model: 'llama3.2',
      max_tokens: 128,
      tools: [weatherTool],
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'Sunny, 22°C' }] }],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([{ type: 'text', text: upstream().content }]);
    expect(upstreamBody().messages.slice(1)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ id: toolUse.id, function: { name: 'get_weather', arguments: toolUse.input } }] },
      { role: 'tool', content: 'Sunny, 22°C', tool_call_id: toolUse.id, tool_name: 'get_weather' },
    ]);
  });

  it('tool_choice any forces a call even when the model would answer in text; none drops the tools', async () => {
    const forced = await client.messages.create({ model: 'llama3.2', max_tokens: 256, tools: [weatherTool], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Tell me a joke.' }] });
    expect(forced.stop_reason).toBe('tool_use');
    expect(forced.content).toMatchObject([{ type: 'tool_use', name: 'get_weather', input: { city: expect.any(String) } }]);
    expect(upstreamBody().format).toBeDefined();

    const none = await client.messages.create({ model: 'llama3.2', max_tokens: 64, tools: [weatherTool], tool_choice: { type: 'none' }, messages: [{ role: 'user', content: 'Weather in Paris? Use get_weather.' }] });
    expect(none.stop_reason).toBe('end_turn');
    expect(upstreamBody().tools).toBeUndefined();
  });

  it('thinking: a signed thinking block, sent back on the next turn as the assistant’s thinking; a tampered one is refused', async () => {
    const first = await client.messages.create({ model: 'qwen3', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'Why is the sky blue?' }] });
    expect(upstreamBody().think).toBe(true);
    const thinking = first.content[0] as Anthropic.ThinkingBlock;
    expect(thinking).toMatchObject({ type: 'thinking', thinking: upstream().thinking, signature: expect.stringMatching(/^c1\./) });
    expect(first.content[1]).toEqual({ type: 'text', text: upstream().content });

    const history: Anthropic.MessageParam[] = [{ role: 'user', content: 'Why is the sky blue?' }, { role: 'assistant', content: first.content }, { role: 'user', content: 'And at sunset?' }];
    const stream = client.messages.stream({ model: 'qwen3', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: history });
    const second = await stream.finalMessage();
    expect(upstreamBody().messages[1]).toEqual({ role: 'assistant', content: (first.content[1] as Anthropic.TextBlock).text, thinking: thinking.thinking });
    expect(second.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    expect((second.content[0] as Anthropic.ThinkingBlock).signature).toMatch(/^c1\./);

    const requestsBefore = emulator().requests().length;
    const tampered = [history[0]!, { role: 'assistant' as const, content: [{ ...thinking, thinking: `${thinking.thinking} (edited)` }, first.content[1]!] }, history[2]!];
    const refused = await client.messages.create({ model: 'qwen3', max_tokens: 4096, messages: tampered }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect(refused).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error', message: 'messages.1.content.0: Invalid `signature` in `thinking` block' } } });
    expect(emulator().requests().length).toBe(requestsBefore);
  });

  it('images: base64 inline and a URL downloaded by the edge', async () => {
    const base64 = Buffer.from(pngLike('dog')).toString('base64');
    const message = await client.messages.create({
      model: 'llava',
      max_tokens: 32,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: base64 } },
            { type: 'image', source: { type: 'url', url: `${images.origin}/cat.png` } },
          ],
        },
      ],
    });
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(upstreamBody().messages[0]).toEqual({ role: 'user', content: 'Compare these', images: [base64, Buffer.from(cat).toString('base64')] });

    const refused = await client.messages.create({ model: 'llava', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'http://169.254.169.254/latest' } }] }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
    expect((refused as InstanceType<typeof Anthropic.APIError>).message).toContain('169.254.169.254');
  });

  it('countTokens: the model’s own count of the prompt, which tools and thinking blocks add to', async () => {
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Count me, please.' }];
    const created = await client.messages.create({ model: 'llama3.2', max_tokens: 16, system: 'Be brief.', messages });
    const counted = await client.messages.countTokens({ model: 'llama3.2', system: 'Be brief.', messages });
    expect(counted).toEqual({ input_tokens: created.usage.input_tokens });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(upstreamBody().options).toEqual({ num_predict: 1 });

    const withTools = await client.messages.countTokens({ model: 'llama3.2', system: 'Be brief.', messages, tools: [weatherTool] });
    expect(withTools.input_tokens).toBeGreaterThan(counted.input_tokens);

    const thought = await client.messages.create({ model: 'qwen3', max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 1024 }, messages });
    const history: Anthropic.MessageParam[] = [...messages, { role: 'assistant', content: thought.content }, { role: 'user', content: 'Again.' }];
    const withThinking = await client.messages.countTokens({ model: 'qwen3', messages: history });
    const withoutThinking = await client.messages.countTokens({ model: 'qwen3', messages: [...messages, { role: 'assistant', content: thought.content.filter((block) => block.type === 'text') }, { role: 'user', content: 'Again.' }] });
    expect(withThinking.input_tokens).toBeGreaterThan(withoutThinking.input_tokens);

    // The beta surface (`?beta=true`) is the same route.
    const beta = await client.beta.messages.countTokens({ model: 'llama3.2', system: 'Be brief.', messages });
    expect(beta).toEqual(counted);
  });

  it('keys by x-api-key or Authorization: Bearer; a bad key is 401 authentication_error', async () => {
    const bearer = new Anthropic({ baseURL: stack.edgeUrl, apiKey: null, authToken: key, maxRetries: 0 });
    expect((await bearer.messages.create({ model: 'llama3.2', max_tokens: 8, messages: [{ role: 'user', content: 'bearer' }] })).type).toBe('message');

    const wrong = new Anthropic({ baseURL: stack.edgeUrl, apiKey: 'sk-corral-wrong', maxRetries: 0 });
    const refused = await wrong.messages.create({ model: 'llama3.2', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(refused).toMatchObject({ status: 401, error: { type: 'error', error: { type: 'authentication_error' } } });
  });

  it('bad input is a 400 invalid_request_error naming the field: missing max_tokens, bad JSON, unknown routes in the envelope', async () => {
    const missing = await client.messages.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.BadRequestError);
    expect(missing).toMatchObject({ status: 400, error: { type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } } });

    const badJson = await fetch(`${stack.edgeUrl}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: '{"model":' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });

    const unknown = await fetch(`${stack.edgeUrl}/v1/messages/nope`, { method: 'POST', headers: { 'x-api-key': key } });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('a model the key may not use looks absent: 404 not_found_error', async () => {
    const { key: limited } = await createKey(stack.env, '--name', 'anthropic-llama-only', '--models', 'llama3.2');
    const limitedClient = new Anthropic({ baseURL: stack.edgeUrl, apiKey: limited, maxRetries: 0 });
    const hidden = await limitedClient.messages.create({ model: 'qwen3', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(hidden).toBeInstanceOf(Anthropic.NotFoundError);
    expect(hidden).toMatchObject({ status: 404, error: { type: 'error', error: { type: 'not_found_error', message: "The model 'qwen3' does not exist or you do not have access to it." } } });
    const hiddenCount = await limitedClient.messages.countTokens({ model: 'qwen3', messages: [{ role: 'user', content: 'x' }] }).catch((error: unknown) => error);
    expect(hiddenCount).toBeInstanceOf(Anthropic.NotFoundError);
  });

  it('a job that breaks mid-stream ends the stream with an error event', async () => {
    emulator().setOptions({ failAfterTokens: 2 });
    try {
      const stream = client.messages.stream({ model: 'llama3.2', max_tokens: 64, messages: [{ role: 'user', content: 'break' }] });
      const failure = await stream.finalMessage().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Anthropic.APIError);
      expect((failure as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: expect.stringMatching(/^(api_error|overloaded_error)$/) } });
    } finally {
      emulator().setOptions({ failAfterTokens: undefined });
    }
  });

  it('one usage row per request, under /v1/messages (streamed or not) and /v1/messages/count_tokens', async () => {
    const whole = await client.messages.create({ model: 'llama3.2', max_tokens: 16, messages: [{ role: 'user', content: 'account me' }] }).withResponse();
    const streamed = client.messages.stream({ model: 'llama3.2', max_tokens: 16, messages: [{ role: 'user', content: 'account me, streamed' }] });
    const streamedMessage = await streamed.finalMessage();
    const streamedResponse = await streamed.withResponse();
    const counted = await client.messages.countTokens({ model: 'llama3.2', messages: [{ role: 'user', content: 'count me' }] }).withResponse();
    const ids = [whole.response, streamedResponse.response, counted.response].map((response) => response.headers.get('x-request-id')!);
    await waitForUsageRows(database, keyId, 1);
    const rowsOf = async (requestId: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const { rows } = await database.query('SELECT endpoint, stream, http_status, prompt_tokens, completion_tokens FROM usage WHERE key_id = $1 AND request_id = $2', [keyId, requestId]);
        if (rows.length > 0 || Date.now() > deadline) return rows.map((row) => ({ ...row, prompt_tokens: Number(row.prompt_tokens), completion_tokens: Number(row.completion_tokens) }));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    expect(await rowsOf(ids[0]!)).toEqual([{ endpoint: '/v1/messages', stream: false, http_status: 200, prompt_tokens: whole.data.usage.input_tokens, completion_tokens: whole.data.usage.output_tokens }]);
    expect(await rowsOf(ids[1]!)).toEqual([{ endpoint: '/v1/messages', stream: true, http_status: 200, prompt_tokens: streamedMessage.usage.input_tokens, completion_tokens: streamedMessage.usage.output_tokens }]);
    expect(await rowsOf(ids[2]!)).toEqual([{ endpoint: '/v1/messages/count_tokens', stream: false, http_status: 200, prompt_tokens: counted.data.input_tokens, completion_tokens: 1 }]);
  });

  it('no worker to take the job: 529 overloaded_error', async () => {
    stack.workers[0]!.process.kill('SIGTERM');
    await stack.workers[0]!.process.exited;
    await stack.waitForWorkers(0);
    const response = await fetch(`${stack.edgeUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ model: 'llama3.2', max_tokens: 8, messages: [{ role: 'user', content: 'anyone?' }] }),
    });
    expect(response.status).toBe(529);
    expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await response.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'no worker is available; try again shortly' } });
  });
});
