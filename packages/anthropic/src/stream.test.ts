import type { ChatChunk } from '@corral/ollama';
import { describe, expect, it } from 'vitest';
import { aggregateMessage } from './aggregate.ts';
import { THINKING_THEN_TEXT, TEXT_ONLY, TEXT_THEN_ERROR, TEXT_THEN_TOOL_USE, type Step } from './fixtures/documented-streams.ts';
import { contentChunk, finalChunk, thinkingChunk, toolCallChunk } from './fixtures/native-chunks.ts';
import { createThinkingSigner } from './signature.ts';
import { createMessagesStreamTranslator, type MessagesStreamOptions } from './stream.ts';
import type { MessageStreamEvent } from './wire-types.ts';

const signer = createThinkingSigner('stream-test-key-stream-test-key-');
const options: MessagesStreamOptions = { id: 'msg_test', model: 'qwen3', toolMode: 'auto', parallelToolCalls: true, excludeThinking: false, sign: signer.sign };

function run(chunks: readonly ChatChunk[], overrides: Partial<MessagesStreamOptions> = {}): MessageStreamEvent[] {
  const translator = createMessagesStreamTranslator({ ...options, ...overrides });
  return chunks.flatMap((chunk) => (chunk.done ? translator.finish(chunk) : translator.push(chunk)));
}

function steps(events: readonly MessageStreamEvent[]): Step[] {
  return events.map((event) => {
    if (event.type === 'content_block_delta') return [event.type, event.index, event.delta.type] as const;
    if (event.type === 'content_block_start' || event.type === 'content_block_stop') return [event.type, event.index] as const;
    return [event.type] as const;
  });
}

/**
 * The grammar of Anthropic's documented stream: message_start first; blocks opened in index order,
 * never interleaved, each delta of its block's kind (a thinking block's signature last); then one
 * message_delta and message_stop — or an `error` that ends it.
 */
function expectDocumentedGrammar(events: readonly MessageStreamEvent[]): void {
  expect(events[0]?.type).toBe('message_start');
  let open: { index: number; kind: string; signed: boolean } | undefined;
  let nextIndex = 0;
  let ended = false;
  for (const event of events.slice(1)) {
    expect(ended, `${event.type} after the end`).toBe(false);
    switch (event.type) {
      case 'ping':
        break;
      case 'content_block_start':
        expect(open).toBeUndefined();
        expect(event.index).toBe(nextIndex++);
        open = { index: event.index, kind: event.content_block.type, signed: false };
        break;
      case 'content_block_delta': {
        expect(event.index).toBe(open?.index);
        const allowed = { text: ['text_delta'], thinking: ['thinking_delta', 'signature_delta'], tool_use: ['input_json_delta'] }[open!.kind];
        expect(allowed).toContain(event.delta.type);
        expect(open!.signed, 'nothing after a signature').toBe(false);
        if (event.delta.type === 'signature_delta') open!.signed = true;
        break;
      }
      case 'content_block_stop':
        expect(event.index).toBe(open?.index);
        if (open!.kind === 'thinking') expect(open!.signed, 'a thinking block ends with its signature').toBe(true);
        open = undefined;
        break;
      case 'message_delta':
        expect(open).toBeUndefined();
        break;
      case 'message_stop':
      case 'error':
        ended = true;
        break;
      default:
        throw new Error(`unexpected event ${event.type}`);
    }
  }
  expect(ended).toBe(true);
}

describe('stream translation against the documented sequences', () => {
  it('text only: end_turn, usage from the final chunk', () => {
    const events = run([contentChunk('Hello'), contentChunk(' world'), finalChunk('stop', 26, 2)]);
    expect(steps(events)).toEqual(TEXT_ONLY);
    expectDocumentedGrammar(events);
    expect(events[0]).toEqual({
      type: 'message_start',
      message: { id: 'msg_test', type: 'message', role: 'assistant', model: 'qwen3', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } },
    });
    expect(events[2]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    expect(events.at(-2)).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { input_tokens: 26, output_tokens: 2 } });
  });

  it('thinking + text: the thinking block ends with a signature of its whole text', () => {
    const events = run([thinkingChunk('Let me'), thinkingChunk(' think.'), contentChunk('42'), finalChunk('stop', 10, 3)]);
    expect(steps(events)).toEqual(THINKING_THEN_TEXT);
    expectDocumentedGrammar(events);
    expect(events[2]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } });
    expect(events[5]).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: signer.sign('Let me think.') } });
    expect(signer.verify('Let me think.', (events[5] as { delta: { signature: string } }).delta.signature)).toBe(true);
  });

  it('tool_use: one block per call with its whole input as one input_json_delta; stop_reason tool_use', () => {
    const events = run([contentChunk('Checking.'), toolCallChunk([{ id: 'call_1', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } }]), finalChunk('stop', 40, 12)]);
    expect(steps(events)).toEqual(TEXT_THEN_TOOL_USE);
    expectDocumentedGrammar(events);
    expect(events[5]).toEqual({ type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_1', name: 'get_weather', input: {} } });
    expect(events[6]).toEqual({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' } });
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('max_tokens: a cut answer says so', () => {
    const events = run([contentChunk('Once upon'), finalChunk('length', 5, 2)]);
    expectDocumentedGrammar(events);
    expect(events.at(-2)).toEqual({ type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { input_tokens: 5, output_tokens: 2 } });
  });

  it('stop_sequence: Ollama reports a matched stop sequence as "stop" (and strips it), so the message ends end_turn with stop_sequence null', () => {
    const events = run([contentChunk('one, two'), finalChunk('stop', 5, 3)]);
    expect(steps(events)).toEqual(TEXT_ONLY.filter((_, index) => index !== 4));
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'end_turn', stop_sequence: null } });
  });

  it('error mid-stream: the stream ends with an error event', () => {
    const translator = createMessagesStreamTranslator(options);
    const events = [...translator.push(contentChunk('Hel')), ...translator.fail({ type: 'overloaded_error', message: 'the worker went away' })];
    expect(steps(events)).toEqual(TEXT_THEN_ERROR);
    expectDocumentedGrammar(events);
    expect(events.at(-1)).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'the worker went away' } });
  });

  it('text before thinking: each switch closes a block and opens the next', () => {
    const events = run([contentChunk('a'), thinkingChunk('b'), contentChunk('c'), finalChunk('stop', 1, 3)]);
    expectDocumentedGrammar(events);
    expect(events.filter((event) => event.type === 'content_block_start').map((event) => event.content_block.type)).toEqual(['text', 'thinking', 'text']);
  });

  it('thinking straight into a tool call, several calls in one chunk, and tool calls on the final chunk', () => {
    const events = run([
      thinkingChunk('plan'),
      toolCallChunk([
        { function: { name: 'a', arguments: {} } },
        { id: 'call_b', function: { name: 'b', arguments: { x: 1 } } },
      ]),
      { ...finalChunk('stop', 3, 9), message: { role: 'assistant', content: '', tool_calls: [{ id: 'call_c', function: { name: 'c', arguments: {} } }] } },
    ]);
    expectDocumentedGrammar(events);
    const starts = events.filter((event) => event.type === 'content_block_start').map((event) => event.content_block);
    expect(starts.map((block) => block.type)).toEqual(['thinking', 'tool_use', 'tool_use', 'tool_use']);
    expect(starts[1]).toMatchObject({ name: 'a', id: expect.stringMatching(/^toolu_[0-9a-f]{24}$/) });
  });

  it('disable_parallel_tool_use: only the first call', () => {
    const events = run([toolCallChunk([{ function: { name: 'a', arguments: {} } }, { function: { name: 'b', arguments: {} } }]), finalChunk('stop', 3, 9)], { parallelToolCalls: false });
    expect(events.filter((event) => event.type === 'content_block_start')).toHaveLength(1);
  });

  it('forced tool mode: the constrained JSON becomes one tool_use block; malformed JSON stays text', () => {
    const forced = { toolMode: 'forced' as const, forcedToolNames: ['get_weather'] };
    const events = run([contentChunk('{"name":"get_weather",'), contentChunk('"arguments":{"city":"Oslo"}}'), finalChunk('stop', 20, 9)], forced);
    expectDocumentedGrammar(events);
    expect(steps(events).map(([type]) => type)).not.toContain('text_delta');
    expect(events.find((event) => event.type === 'content_block_start')).toMatchObject({ content_block: { type: 'tool_use', name: 'get_weather' } });
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' } });

    const cut = run([contentChunk('{"name":"get_wea'), finalChunk('length', 20, 9)], forced);
    expect(cut.find((event) => event.type === 'content_block_delta')).toMatchObject({ delta: { type: 'text_delta', text: '{"name":"get_wea' } });
    expect(cut.at(-2)).toMatchObject({ delta: { stop_reason: 'max_tokens' } });
  });

  it('excluded thinking never reaches the caller', () => {
    const events = run([thinkingChunk('secret'), contentChunk('ok'), finalChunk('stop', 1, 2)], { excludeThinking: true });
    expect(JSON.stringify(events)).not.toContain('secret');
    expectDocumentedGrammar(events);
  });

  it('an empty answer is still a whole message, and a repeated final chunk adds nothing', () => {
    const translator = createMessagesStreamTranslator(options);
    const events = translator.finish(finalChunk('stop', 4, 0));
    expect(steps(events)).toEqual([['message_start'], ['ping'], ['message_delta'], ['message_stop']]);
    expect(translator.finish(finalChunk('stop', 4, 0))).toEqual([]);
    expect(translator.usage()).toMatchObject({ promptTokens: 4, completionTokens: 0 });
  });
});

describe('aggregateMessage', () => {
  it('folds the same events into the Message: thinking (signed), text, tool_use, stop reason, usage', () => {
    const message = aggregateMessage(options, [
      thinkingChunk('Hmm.'),
      contentChunk('Let me check.'),
      toolCallChunk([{ id: 'call_9', function: { name: 'get_weather', arguments: { city: 'Rome' } } }]),
      finalChunk('stop', 30, 15),
    ]);
    expect(message).toEqual({
      id: 'msg_test',
      type: 'message',
      role: 'assistant',
      model: 'qwen3',
      content: [
        { type: 'thinking', thinking: 'Hmm.', signature: signer.sign('Hmm.') },
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'call_9', name: 'get_weather', input: { city: 'Rome' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 30, output_tokens: 15, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });
});

describe('thinking signatures', () => {
  it('verify their own text only, under their own key', () => {
    const signature = signer.sign('thought');
    expect(signer.verify('thought', signature)).toBe(true);
    expect(signer.verify('thought!', signature)).toBe(false);
    expect(signer.verify('thought', `${signature.slice(0, -2)}AA`)).toBe(false);
    expect(signer.verify('thought', 'garbage')).toBe(false);
    expect(signer.verify('thought', '')).toBe(false);
    expect(createThinkingSigner('another-key-another-key-another-').verify('thought', signature)).toBe(false);
  });
});
