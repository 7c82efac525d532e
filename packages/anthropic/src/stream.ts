import { parseForcedToolCall, usageFromDone, type ChatChunk, type NativeUsage, type ToolCall } from '@corral/ollama';
import { renderAnthropicError, type AnthropicError } from './errors.ts';
import { createToolUseId } from './ids.ts';
import { stopReasonFromNative, type StopReason } from './stop-reason.ts';
import { ToolMode } from './tools.ts';
import type { AnthropicMessage, ContentBlock, MessageStreamEvent } from './wire-types.ts';

export interface MessagesStreamOptions {
  /** `msg_…`, the id of the message every event belongs to. */
  id: string;
  /** The model name shown to the caller (what it asked for). */
  model: string;
  toolMode: ToolMode;
  forcedToolNames?: readonly string[];
  /** false → only the first tool call becomes a tool_use block. */
  parallelToolCalls: boolean;
  /** Thinking is dropped from the answer (the model's `excludeReasoning` override). */
  excludeThinking: boolean;
  /** The signature of a thinking block's whole text, sent as its `signature_delta`. */
  sign(thinking: string): string;
}

export interface MessagesStreamTranslator {
  /** One native chunk → Anthropic's events. A `done` chunk is handed to `finish`. */
  push(chunk: ChatChunk): MessageStreamEvent[];
  /** The final chunk → the last blocks, `message_delta` with the stop reason and usage, `message_stop`. */
  finish(final: ChatChunk): MessageStreamEvent[];
  /** The `error` event that ends a stream that broke after it began. */
  fail(error: Pick<AnthropicError, 'type' | 'message'>): MessageStreamEvent[];
  /** Counts from the final chunk; undefined until `finish`. */
  usage(): NativeUsage | undefined;
}

/** The message as `message_start` announces it: no content yet, and no counts (Ollama gives them only at the end). */
export function emptyMessage(id: string, model: string): AnthropicMessage {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

type OpenBlock = { kind: 'text'; index: number } | { kind: 'thinking'; index: number; text: string };

/**
 * Native chat chunks → Anthropic's stream, in its documented order: `message_start`, `ping`, then
 * per block `content_block_start`, its deltas, `content_block_stop` (a thinking block ends with
 * its `signature_delta`), then `message_delta` and `message_stop`. Thinking and text alternate as
 * the model produces them, each switch closing one block and opening the next; a tool call arrives
 * whole from Ollama and goes out as one block with one `input_json_delta`. In forced-tool mode the
 * constrained JSON is held back and sent as one tool_use block.
 */
export function createMessagesStreamTranslator(options: MessagesStreamOptions): MessagesStreamTranslator {
  const forced = options.toolMode === ToolMode.forced;
  let started = false;
  let finished = false;
  let open: OpenBlock | undefined;
  let nextIndex = 0;
  let toolUses = 0;
  let forcedContent = '';
  let finalUsage: NativeUsage | undefined;

  function start(events: MessageStreamEvent[]): void {
    if (started) return;
    started = true;
    events.push({ type: 'message_start', message: emptyMessage(options.id, options.model) }, { type: 'ping' });
  }

  function close(events: MessageStreamEvent[]): void {
    if (open === undefined) return;
    if (open.kind === 'thinking') events.push({ type: 'content_block_delta', index: open.index, delta: { type: 'signature_delta', signature: options.sign(open.text) } });
    events.push({ type: 'content_block_stop', index: open.index });
    open = undefined;
  }

  function openBlock(events: MessageStreamEvent[], block: ContentBlock): number {
    close(events);
    const index = nextIndex++;
    events.push({ type: 'content_block_start', index, content_block: block });
    return index;
  }

  function thinking(events: MessageStreamEvent[], text: string): void {
    if (open?.kind !== 'thinking') open = { kind: 'thinking', index: openBlock(events, { type: 'thinking', thinking: '', signature: '' }), text: '' };
    open.text += text;
    events.push({ type: 'content_block_delta', index: open.index, delta: { type: 'thinking_delta', thinking: text } });
  }

  function text(events: MessageStreamEvent[], content: string): void {
    if (open?.kind !== 'text') open = { kind: 'text', index: openBlock(events, { type: 'text', text: '' }) };
    events.push({ type: 'content_block_delta', index: open.index, delta: { type: 'text_delta', text: content } });
  }

  function toolUse(events: MessageStreamEvent[], call: { id?: string | undefined; name: string; arguments: Record<string, unknown> }): void {
    if (!options.parallelToolCalls && toolUses > 0) return;
    toolUses += 1;
    const id = call.id !== undefined && call.id !== '' ? call.id : createToolUseId();
    const index = openBlock(events, { type: 'tool_use', id, name: call.name, input: {} });
    events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(call.arguments ?? {}) } });
    events.push({ type: 'content_block_stop', index });
  }

  function translate(native: ChatChunk): MessageStreamEvent[] {
    const events: MessageStreamEvent[] = [];
    start(events);
    const message = native.message;
    if (message.thinking !== undefined && message.thinking !== '' && !options.excludeThinking) thinking(events, message.thinking);
    if (message.content !== '') {
      if (forced) forcedContent += message.content;
      else text(events, message.content);
    }
    for (const call of message.tool_calls ?? ([] as ToolCall[])) toolUse(events, { id: call.id, name: call.function.name, arguments: call.function.arguments });
    return events;
  }

  /** The forced JSON as a tool call; cut short or malformed, it is handed over as the text it is. */
  function resolveForcedCall(events: MessageStreamEvent[]): void {
    if (!forced || toolUses > 0 || forcedContent === '') return;
    const call = parseForcedToolCall(forcedContent, options.forcedToolNames ?? []);
    if (call === undefined) text(events, forcedContent);
    else toolUse(events, { name: call.name, arguments: call.arguments });
  }

  function finish(final: ChatChunk): MessageStreamEvent[] {
    // A repeated final chunk must not end the message twice.
    if (finished) return [];
    finished = true;
    const events = translate(final);
    resolveForcedCall(events);
    close(events);
    finalUsage = usageFromDone(final);
    const stopReason: StopReason = stopReasonFromNative(final.done_reason, toolUses > 0);
    events.push(
      { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { input_tokens: finalUsage.promptTokens, output_tokens: finalUsage.completionTokens } },
      { type: 'message_stop' },
    );
    return events;
  }

  return {
    push: (native) => (native.done ? finish(native) : finished ? [] : translate(native)),
    finish,
    fail: (error) => [renderAnthropicError(error)],
    usage: () => finalUsage,
  };
}
