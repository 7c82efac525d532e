import { describe, expect, it } from 'vitest';
import type { ChatChunk } from '@corral/ollama';
import { validateAgainstOpenAPIVariant } from '@corral/testkit/testing';
import { serverBusy } from '../errors.ts';
import { chatChunk, finalChatChunk, toolCall, assertOpenAPI } from '../testing/index.ts';
import { aggregateResponse } from './aggregate.ts';
import { conversationAfter } from './conversation.ts';
import { createResponseId, createResponsesStreamTranslator, type ResponsesStreamOptions } from './stream.ts';
import type { ResponseSettings, ResponseStreamEvent } from './wire-types.ts';

const settings: ResponseSettings = {
  instructions: null,
  tools: [{ type: 'function', name: 'get_weather', description: null, parameters: { type: 'object', properties: {} }, strict: null }],
  tool_choice: 'auto',
  parallel_tool_calls: true,
  max_tool_calls: null,
  max_output_tokens: null,
  temperature: null,
  top_p: null,
  previous_response_id: null,
  reasoning: null,
  text: { format: { type: 'text' } },
  truncation: 'disabled',
  metadata: {},
  store: true,
  safety_identifier: null,
  prompt_cache_key: null,
};

const baseOptions: ResponsesStreamOptions = {
  id: 'resp_test',
  model: 'qwen3',
  createdAt: 1755800000,
  settings,
  toolMode: 'auto',
  excludeReasoning: false,
  includeEncryptedReasoning: false,
};

function assertEvent(event: ResponseStreamEvent): void {
  const result = validateAgainstOpenAPIVariant('ResponseStreamEvent', event);
  if (!result.valid) throw new Error(`${event.type} (${result.schemaName ?? '?'}) rejected:\n${result.errors.join('\n')}\n${JSON.stringify(event)}`);
}

function run(chunks: ChatChunk[], options: Partial<ResponsesStreamOptions> = {}): ResponseStreamEvent[] {
  const translator = createResponsesStreamTranslator({ ...baseOptions, ...options });
  const events = [...translator.start(), ...chunks.flatMap((chunk) => translator.push(chunk))];
  for (const event of events) assertEvent(event);
  return events;
}

const types = (events: ResponseStreamEvent[]) => events.map((event) => event.type);

describe('createResponsesStreamTranslator', () => {
  it('streams text in the documented event order (A.5 #109, #125–#128)', () => {
    const events = run([chatChunk({ content: 'Hello' }), chatChunk({ content: ' World' }), finalChatChunk({ prompt_eval_count: 26, eval_count: 15 })]);
    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events[0]).toMatchObject({ response: { id: 'resp_test', status: 'in_progress', output: [] } });
    expect(events[6]).toMatchObject({ text: 'Hello World', content_index: 0, output_index: 0 });
    expect(events[8]).toMatchObject({ item: { type: 'message', status: 'completed', content: [{ type: 'output_text', text: 'Hello World', annotations: [], logprobs: [] }] } });
    const completed = events[9]?.response as Record<string, unknown>;
    expect(completed).toMatchObject({
      status: 'completed',
      completed_at: 1787306400,
      usage: { input_tokens: 26, output_tokens: 15, total_tokens: 41, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
    });
    expect((completed.output as unknown[]).length).toBe(1);
    const added = events[2] as unknown as { item: { id: string } };
    expect(added.item.id).toMatch(/^msg_/);
    expect(events.slice(3, 9).every((event) => event.item_id === added.item.id || (event.item as { id?: string } | undefined)?.id === added.item.id)).toBe(true);
  });

  it('streams reasoning as a summary, closing it before the message opens (A.5 #111)', () => {
    const events = run([chatChunk({ thinking: 'Let me' }), chatChunk({ thinking: ' think.' }), chatChunk({ content: 'Answer' }), finalChatChunk()], { includeEncryptedReasoning: true });
    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[8]).toMatchObject({ output_index: 0, item: { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Let me think.' }], encrypted_content: 'Let me think.' } });
    expect(events[9]).toMatchObject({ output_index: 1, item: { type: 'message' } });
    expect(events[2]).toMatchObject({ item: { type: 'reasoning', summary: [] } });
    expect((events[2]?.item as { id: string }).id).toMatch(/^rs_/);
  });

  it('leaves encrypted_content out unless included, and drops excluded reasoning', () => {
    const plain = run([chatChunk({ thinking: 'hm' }), finalChatChunk()]);
    expect(plain.find((event) => event.type === 'response.output_item.done')?.item).toEqual({ id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [{ type: 'summary_text', text: 'hm' }] });
    expect(types(run([chatChunk({ thinking: 'hm' }), chatChunk({ content: 'x' }), finalChatChunk()], { excludeReasoning: true })).filter((type) => type.includes('reasoning'))).toEqual([]);
  });

  it('sends function calls whole with in_progress then completed status (A.5 #110, #129)', () => {
    const events = run([chatChunk({ tool_calls: [toolCall('get_weather', { city: 'Paris' }, 'call_1')] }), finalChatChunk()]);
    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]).toMatchObject({ item: { type: 'function_call', status: 'in_progress', call_id: 'call_1', name: 'get_weather', arguments: '' } });
    expect(events[3]).toMatchObject({ delta: '{"city":"Paris"}' });
    expect(events[4]).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(events[5]).toMatchObject({ item: { status: 'completed', arguments: '{"city":"Paris"}' } });
    expect((events[2]?.item as { id: string }).id).toMatch(/^fc_/);
  });

  it('keeps the streamed item order in the final output (A.5 #132)', () => {
    const events = run([
      chatChunk({ thinking: 'a' }),
      chatChunk({ content: 'Checking.' }),
      chatChunk({ tool_calls: [toolCall('get_weather', {}, 'c1'), toolCall('get_weather', { city: 'Oslo' }, 'c2', 1)] }),
      finalChatChunk(),
    ]);
    const done = events.filter((event) => event.type === 'response.output_item.done').map((event) => (event.item as { id: string }).id);
    const final = events.at(-1)?.response as { output: Array<{ id: string; type: string }> };
    expect(final.output.map((item) => item.id)).toEqual(done);
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call']);
  });

  it('limits tool calls with parallel_tool_calls false and max_tool_calls', () => {
    const calls = [toolCall('get_weather', {}, 'c1'), toolCall('get_weather', {}, 'c2', 1), toolCall('get_weather', {}, 'c3', 2)];
    const count = (events: ResponseStreamEvent[]) => events.filter((event) => event.type === 'response.function_call_arguments.done').length;
    expect(count(run([chatChunk({ tool_calls: calls }), finalChatChunk()], { parallelToolCalls: false }))).toBe(1);
    expect(count(run([chatChunk({ tool_calls: calls }), finalChatChunk()], { maxToolCalls: 2 }))).toBe(2);
  });

  it('turns forced-mode JSON into a function call', () => {
    const events = run([chatChunk({ content: '{"name":"get_weather",' }), chatChunk({ content: '"arguments":{"city":"Rome"}}' }), finalChatChunk()], {
      toolMode: 'forced',
      forcedToolNames: ['get_weather'],
    });
    expect(types(events).filter((type) => type.includes('output_text'))).toEqual([]);
    expect(events.find((event) => event.type === 'response.function_call_arguments.done')).toMatchObject({ name: 'get_weather', arguments: '{"city":"Rome"}' });
  });

  it('ends a truncated answer with response.incomplete', () => {
    const events = run([chatChunk({ content: 'Once upon' }), finalChatChunk({ done_reason: 'length' })]);
    expect(types(events).slice(-2)).toEqual(['response.output_item.done', 'response.incomplete']);
    expect(events.at(-2)).toMatchObject({ item: { status: 'incomplete' } });
    expect(events.at(-1)).toMatchObject({ response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, completed_at: null } });
  });

  it('ends a broken stream with response.failed and ignores anything after', () => {
    const translator = createResponsesStreamTranslator(baseOptions);
    const events = [...translator.push(chatChunk({ content: 'Hel' })), ...translator.fail(serverBusy('server busy'))];
    for (const event of events) assertEvent(event);
    expect(types(events).slice(-4)).toEqual(['response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.failed']);
    expect(events.at(-1)).toMatchObject({ response: { status: 'failed', error: { code: 'server_error', message: 'server busy' } } });
    expect(translator.finish(finalChatChunk())).toEqual([]);
    expect(translator.response().status).toBe('failed');
  });

  it('emits created/in_progress once even when start is not called', () => {
    const translator = createResponsesStreamTranslator(baseOptions);
    expect(types(translator.push(chatChunk({ content: 'x' }))).slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(translator.start()).toEqual([]);
  });
});

describe('aggregateResponse', () => {
  it('builds the non-streaming response object (reference §5.8, A.5 #117)', () => {
    const response = aggregateResponse({ ...baseOptions, includeEncryptedReasoning: true }, [
      chatChunk({ thinking: 'The user asks.' }),
      chatChunk({ content: 'The answer is 42' }),
      finalChatChunk({ prompt_eval_count: 26, eval_count: 15 }),
    ]);
    assertOpenAPI('Response', response);
    expect(response).toMatchObject({
      id: 'resp_test',
      object: 'response',
      status: 'completed',
      error: null,
      incomplete_details: null,
      output: [
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user asks.' }], encrypted_content: 'The user asks.' },
        { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'The answer is 42', annotations: [], logprobs: [] }] },
      ],
      usage: { input_tokens: 26, output_tokens: 15, total_tokens: 41 },
      tools: settings.tools,
      tool_choice: 'auto',
      parallel_tool_calls: true,
      store: true,
    });
  });
});

describe('conversationAfter', () => {
  it('appends the output as native messages for chaining', () => {
    const response = aggregateResponse(baseOptions, [
      chatChunk({ thinking: 'Need weather.' }),
      chatChunk({ content: 'Checking.' }),
      chatChunk({ tool_calls: [toolCall('get_weather', { city: 'Paris' }, 'call_1')] }),
      finalChatChunk(),
    ]);
    expect(conversationAfter([{ role: 'user', content: 'Weather?' }], response.output)).toEqual([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Checking.', thinking: 'Need weather.', tool_calls: [{ id: 'call_1', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } }] },
    ]);
  });
});

describe('createResponseId', () => {
  it('is a crypto-random resp_ id', () => {
    expect(createResponseId()).toMatch(/^resp_[A-Za-z0-9]{24}$/);
    expect(createResponseId()).not.toBe(createResponseId());
  });
});
