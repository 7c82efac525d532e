import { callAccounting, connectBus } from '@corral/bus';
import { dropDatabase } from '@corral/db';
import { testDatabaseUrl } from '@corral/db/testing';
import { natsUrl, startStack, type CompletedRequest, type Stack } from '@corral/testkit';
import { validateAgainstOpenAPI, validateAgainstOpenAPIVariant } from '@corral/testkit/testing';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSseFrames } from './sse-frames.ts';
import { keyIdNamed, waitForUsageRows } from './usage-rows.ts';

interface NativeMessage {
  role: string;
  content: string;
  thinking?: string;
  tool_calls?: { function: { name: string; arguments: Record<string, unknown> } }[];
  tool_name?: string;
}

function messagesOf(request: CompletedRequest): NativeMessage[] {
  return (request.body as { messages: NativeMessage[] }).messages;
}

/** `Response.usage` is not nullable in OpenAI's schema; Corral omits it instead (see @corral/openai README). */
function expectResponseSchema(value: unknown): void {
  expect(validateAgainstOpenAPI('Response', value).errors).toEqual([]);
}

function expectStreamEventSchema(event: unknown): void {
  const validation = validateAgainstOpenAPIVariant('ResponseStreamEvent', event);
  expect(validation.errors, JSON.stringify(event).slice(0, 300)).toEqual([]);
}

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe('/v1/responses through edge → NATS → worker → emulator, stored through accounting', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let ownerKey: string;
  let strangerKey: string;
  let client: OpenAI;
  let stranger: OpenAI;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2eresp');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 8 } }], accounting: { databaseUrl } });
    database = new pg.Pool({ connectionString: databaseUrl });
    ownerKey = await stack.createKey('responses-owner');
    strangerKey = await stack.createKey('responses-stranger');
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: ownerKey, maxRetries: 0 });
    stranger = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: strangerKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const emulator = () => stack.workers[0]!.emulator;
  const lastUpstream = () => emulator().requests().at(-1)!;
  const post = (body: unknown, key = ownerKey) =>
    fetch(`${stack.edgeUrl}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

  it('answers a stateless request with the emulator reply, the request echoed and exact usage', async () => {
    const response = await client.responses.create({
      model: 'llama3.2',
      input: 'Hello there, stateless',
      instructions: 'Be brief.',
      store: false,
      max_output_tokens: 50,
      temperature: 0.4,
      top_p: 0.9,
      metadata: { purpose: 'test' },
    });
    const upstream = lastUpstream();
    expect(upstream.path).toBe('/api/chat');
    expect(messagesOf(upstream)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello there, stateless' },
    ]);
    expect((upstream.body as { options: unknown }).options).toEqual({ num_predict: 50, temperature: 0.4, top_p: 0.9 });
    expect(response).toMatchObject({ object: 'response', status: 'completed', model: 'llama3.2', instructions: 'Be brief.', store: false, temperature: 0.4, top_p: 0.9, max_output_tokens: 50, metadata: { purpose: 'test' } });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output_text).toBe(upstream.content);
    expect(response.output).toHaveLength(1);
    expect(response.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed' });
    expect(response.usage).toMatchObject({ input_tokens: upstream.promptEvalCount, output_tokens: upstream.evalCount, total_tokens: upstream.promptEvalCount + upstream.evalCount });
    expectResponseSchema(response);
    await expect(client.responses.retrieve(response.id)).rejects.toMatchObject({ status: 404 });
  });

  it('streams the event sequence the SDK accumulates into the same response', async () => {
    const stream = client.responses.stream({ model: 'llama3.2', input: 'Stream a response please', store: false });
    const types: string[] = [];
    let deltas = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') deltas += event.delta;
    }
    const final = await stream.finalResponse();
    const upstream = lastUpstream();
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe(upstream.content);
    expect(deltas).toBe(upstream.content);
    expect(types.slice(0, 4)).toEqual(['response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added']);
    expect(types.slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed']);
    expect(final.usage?.output_tokens).toBe(upstream.evalCount);

    const created = await client.responses.create({ model: 'llama3.2', input: 'Stream a response please', store: false, stream: true });
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of created) if (event.type === 'response.completed') completed = event.response;
    const message = completed?.output.find((item): item is OpenAI.Responses.ResponseOutputMessage => item.type === 'message');
    expect(message?.content).toEqual([{ type: 'output_text', text: upstream.content, annotations: [], logprobs: [] }]);
  });

  it('writes event: and data: frames matching OpenAI schemas, numbered from 0, without [DONE]', async () => {
    const response = await post({ model: 'qwen3', input: 'Think, then answer', reasoning: { effort: 'low' }, stream: true, store: false });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = await readSseFrames(response);
    const events = frames.map((frame) => JSON.parse(frame.data) as { type: string; sequence_number: number; response?: unknown });
    expect(frames.every((frame, index) => frame.event === events[index]!.type)).toBe(true);
    expect(frames.some((frame) => frame.data === '[DONE]')).toBe(false);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    for (const event of events) expectStreamEventSchema(event);
    const types = new Set(events.map((event) => event.type));
    expect(types).toContain('response.reasoning_summary_text.delta');
    expect(types).toContain('response.output_text.delta');
    const completed = events.at(-1)!;
    expect(completed.type).toBe('response.completed');
    expectResponseSchema(completed.response);
    expect(lastUpstream().body).toMatchObject({ think: 'low' });
    const output = (completed.response as OpenAI.Responses.Response).output;
    expect(output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(lastUpstream().thinking.length).toBeGreaterThan(0);
  });

  it('calls a function tool, then answers from its output when chained with previous_response_id', async () => {
    const first = await client.responses.create({ model: 'llama3.2', input: 'What is the weather in Paris? Use get_weather.', tools: [weatherTool] });
    expectResponseSchema(first);
    const call = first.output.find((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call');
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
    expect(Object.keys(JSON.parse(call!.arguments) as object)).toEqual(['city']);
    expect(first.tools).toEqual([{ ...weatherTool }]);
    const firstUpstream = lastUpstream();
    expect((firstUpstream.body as { tools: { function: { name: string } }[] }).tools.map((tool) => tool.function.name)).toEqual(['get_weather']);

    const second = await client.responses.create({
      model: 'llama3.2',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: call!.call_id, output: '{"temperature": 21}' }],
      tools: [weatherTool],
    });
    const messages = messagesOf(lastUpstream());
    expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'tool']);
    expect(messages[1]!.tool_calls?.[0]?.function.name).toBe('get_weather');
    expect(messages[2]).toMatchObject({ role: 'tool', content: '{"temperature": 21}', tool_name: 'get_weather' });
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text).toBe(lastUpstream().content);
    expect(second.output_text.length).toBeGreaterThan(0);
  });

  it('chains three turns: the third request carries the whole conversation, without the first turn instructions', async () => {
    const first = await client.responses.create({ model: 'llama3.2', input: 'Turn one: my name is Ada.', instructions: 'Speak like a pirate.' });
    const second = await client.responses.create({ model: 'llama3.2', input: 'Turn two: what is my name?', previous_response_id: first.id });
    const third = await client.responses.create({ model: 'llama3.2', input: 'Turn three: say goodbye.', previous_response_id: second.id });
    expect(messagesOf(lastUpstream())).toEqual([
      { role: 'user', content: 'Turn one: my name is Ada.' },
      { role: 'assistant', content: first.output_text },
      { role: 'user', content: 'Turn two: what is my name?' },
      { role: 'assistant', content: second.output_text },
      { role: 'user', content: 'Turn three: say goodbye.' },
    ]);
    expect(third.output_text).toBe(lastUpstream().content);
    expect(new Set([first.id, second.id, third.id]).size).toBe(3);

    const retrieved = await client.responses.retrieve(second.id);
    expect(retrieved).toMatchObject({ id: second.id, status: 'completed', previous_response_id: first.id, output_text: second.output_text });
    expect(retrieved.output).toEqual(second.output);
    expectResponseSchema(retrieved);
  });

  it('stores a streamed response before announcing its completion, so it can be chained at once', async () => {
    const stream = client.responses.stream({ model: 'llama3.2', input: 'Streamed turn to continue' });
    const streamed = await stream.finalResponse();
    expect(streamed).toMatchObject({ store: true });
    await client.responses.create({ model: 'llama3.2', input: 'And the follow-up', previous_response_id: streamed.id });
    expect(messagesOf(lastUpstream()).map((message) => message.content)).toEqual(['Streamed turn to continue', streamed.output_text, 'And the follow-up']);
  });

  it('answers 404 previous_response_not_found for a missing id and for another key’s response', async () => {
    await expect(client.responses.create({ model: 'llama3.2', input: 'hi', previous_response_id: 'resp_doesnotexist' })).rejects.toMatchObject({
      status: 404,
      code: 'previous_response_not_found',
      param: 'previous_response_id',
    });
    const mine = await client.responses.create({ model: 'llama3.2', input: 'A secret only my key may continue' });
    const before = emulator().requests().length;
    await expect(stranger.responses.create({ model: 'llama3.2', input: 'continue it', previous_response_id: mine.id })).rejects.toMatchObject({
      status: 404,
      code: 'previous_response_not_found',
    });
    await expect(stranger.responses.create({ model: 'llama3.2', input: 'continue it', previous_response_id: mine.id, stream: true })).rejects.toMatchObject({ status: 404 });
    await expect(stranger.responses.retrieve(mine.id)).rejects.toMatchObject({ status: 404 });
    expect(emulator().requests().length).toBe(before);
    // The owner still can.
    await client.responses.create({ model: 'llama3.2', input: 'continue it', previous_response_id: mine.id });
    expect(messagesOf(lastUpstream())[0]!.content).toBe('A secret only my key may continue');
  });

  it('honours text.format json_schema and reports a response cut by max_output_tokens as incomplete', async () => {
    const schema = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } }, required: ['city', 'population'], additionalProperties: false };
    const structured = await client.responses.create({ model: 'llama3.2', input: 'Describe a city', store: false, text: { format: { type: 'json_schema', name: 'city', schema, strict: true } } });
    expect((lastUpstream().body as { format: unknown }).format).toEqual(schema);
    expect(Object.keys(JSON.parse(structured.output_text) as object).sort()).toEqual(['city', 'population']);
    expectResponseSchema(structured);

    const cut = await client.responses.create({ model: 'llama3.2', input: 'A long answer, please', store: false, max_output_tokens: 2 });
    expect(cut).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(cut.usage?.output_tokens).toBe(2);
    expectResponseSchema(cut);

    const frames = await readSseFrames(await post({ model: 'llama3.2', input: 'A long answer, please', store: false, max_output_tokens: 2, stream: true }));
    expect(frames.at(-1)!.event).toBe('response.incomplete');
  });

  it('ends a stream that breaks mid-way with response.failed', async () => {
    emulator().setOptions({ failAfterTokens: 3 });
    try {
      const frames = await readSseFrames(await post({ model: 'llama3.2', input: 'This one will break', stream: true }));
      const last = JSON.parse(frames.at(-1)!.data) as { type: string; response: { status: string; error: { code: string; message: string } } };
      expect(frames.some((frame) => frame.event === 'response.output_text.delta')).toBe(true);
      expect(last.type).toBe('response.failed');
      expect(last.response.status).toBe('failed');
      expect(last.response.error.code).toBe('server_error');
      expectStreamEventSchema(last);
    } finally {
      emulator().setOptions({ failAfterTokens: undefined });
    }
  });

  it('refuses bad input with a 400 naming the parameter', async () => {
    const cases: { body: Record<string, unknown>; param: string }[] = [
      { body: { model: 'llama3.2' }, param: 'input' },
      { body: { model: 'llama3.2', input: 42 }, param: 'input' },
      { body: { model: 'llama3.2', input: 'x', temperature: 5 }, param: 'temperature' },
      { body: { model: 'llama3.2', input: 'x', max_output_tokens: 0 }, param: 'max_output_tokens' },
      { body: { model: 'llama3.2', input: 'x', tools: [{ type: 'web_search' }] }, param: 'tools[0].type' },
      { body: { model: 'llama3.2', input: 'x', tool_choice: 'required' }, param: 'tool_choice' },
      { body: { model: 'llama3.2', input: 'x', background: true }, param: 'background' },
      { body: { model: 'llama3.2', input: [{ type: 'item_reference', id: 'msg_1' }] }, param: 'input[0]' },
      { body: { model: 'llama3.2', input: [{ type: 'function_call_output', call_id: 'call_unknown', output: 'x' }] }, param: 'input[0].call_id' },
      { body: { model: 'llama3.2', input: 'x', text: { format: { type: 'xml' } } }, param: 'text.format.type' },
    ];
    for (const testCase of cases) {
      const response = await post(testCase.body);
      const body = (await response.json()) as { error: { type: string; param: string | null; message: string } };
      expect([response.status, body.error.type, body.error.param], `${JSON.stringify(testCase.body)} → ${body.error.message}`).toEqual([400, 'invalid_request_error', testCase.param]);
    }
    await expect(client.responses.create({ model: 'no-such-model', input: 'hi' })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('records one usage event per request, streamed, chained or refused', async () => {
    const name = 'responses-usage';
    const key = await stack.createKey(name);
    const keyId = await keyIdNamed(database, name);
    const usageClient = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: key, maxRetries: 0 });
    const first = await usageClient.responses.create({ model: 'llama3.2', input: 'usage turn one' });
    const firstUpstream = lastUpstream();
    const stream = usageClient.responses.stream({ model: 'llama3.2', input: 'usage turn two', previous_response_id: first.id });
    await stream.finalResponse();
    const secondUpstream = lastUpstream();
    await expect(usageClient.responses.create({ model: 'llama3.2', input: 'x', previous_response_id: 'resp_missing' })).rejects.toMatchObject({ status: 404 });

    const rows = await waitForUsageRows(database, keyId, 3);
    expect(rows).toHaveLength(3);
    expect(rows.filter((row) => row.status === 'ok').map((row) => [row.stream, row.prompt_tokens, row.completion_tokens])).toEqual(
      expect.arrayContaining([
        [false, firstUpstream.promptEvalCount, firstUpstream.evalCount],
        [true, secondUpstream.promptEvalCount, secondUpstream.evalCount],
      ]),
    );
    expect(rows.find((row) => !row.stream && row.status === 'ok')?.request_id).toBe(first._request_id);
    expect(rows.find((row) => row.status === 'error')).toMatchObject({ endpoint: '/v1/responses', http_status: 404, error_code: 'previous_response_not_found' });
  });
});

/** Without keys to create, nothing else waits for accounting to have migrated and subscribed. */
async function accountingAnswers(prefix: string): Promise<void> {
  const bus = await connectBus({ servers: natsUrl, name: 'e2e-accounting-probe', prefix });
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await callAccounting(bus, 'responses.get', { id: 'resp_probe', keyId: null }, 2_000);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await bus.drain();
  }
}

describe('/v1/responses without API keys (AUTH_DISABLED)', () => {
  let stack: Stack;
  let databaseUrl: string;
  let database: pg.Pool;
  let client: OpenAI;

  beforeAll(async () => {
    databaseUrl = testDatabaseUrl('e2erespanon');
    stack = await startStack({ workers: [{ emulator: { tokensPerReply: 6 } }], accounting: { databaseUrl }, edgeEnv: { AUTH_DISABLED: 'true' } });
    database = new pg.Pool({ connectionString: databaseUrl });
    await accountingAnswers(stack.prefix);
    client = new OpenAI({ baseURL: `${stack.edgeUrl}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await database?.end();
    await stack?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('stores responses without an owner and chains them', async () => {
    const first = await client.responses.create({ model: 'llama3.2', input: 'anonymous turn one' });
    await client.responses.create({ model: 'llama3.2', input: 'anonymous turn two', previous_response_id: first.id });
    const messages = messagesOf(stack.workers[0]!.emulator.requests().at(-1)!);
    expect(messages.map((message) => message.content)).toEqual(['anonymous turn one', first.output_text, 'anonymous turn two']);
    const { rows } = await database.query<{ key_id: string | null }>('SELECT key_id FROM responses WHERE id = $1', [first.id]);
    expect(rows).toEqual([{ key_id: null }]);
  });

  it('still answers when the response store is down, reporting store: false, and says so when chaining', async () => {
    stack.accounting!.kill('SIGKILL');
    await stack.accounting!.exited;
    const response = await client.responses.create({ model: 'llama3.2', input: 'nobody will store this' });
    expect(response.status).toBe('completed');
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response).toMatchObject({ store: false });
    await expect(client.responses.create({ model: 'llama3.2', input: 'continue', previous_response_id: response.id })).rejects.toMatchObject({ status: 503 });
  });
});
