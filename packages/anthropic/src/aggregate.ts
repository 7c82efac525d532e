import type { ChatChunk } from '@corral/ollama';
import { createMessagesStreamTranslator, emptyMessage, type MessagesStreamOptions } from './stream.ts';
import type { AnthropicMessage, ContentBlock, MessageStreamEvent } from './wire-types.ts';

export interface MessageAggregator {
  push(chunk: ChatChunk): void;
  finish(final: ChatChunk): void;
  /** The whole Message, once `finish` has run. */
  result(): AnthropicMessage;
}

/** Folds stream events into the message they describe, as Anthropic's SDKs accumulate a stream. */
function apply(message: AnthropicMessage, event: MessageStreamEvent, partialJson: Map<number, string>): void {
  switch (event.type) {
    case 'content_block_start':
      message.content[event.index] = { ...event.content_block } as ContentBlock;
      return;
    case 'content_block_delta': {
      const block = message.content[event.index];
      const delta = event.delta;
      if (block?.type === 'text' && delta.type === 'text_delta') block.text += delta.text;
      else if (block?.type === 'thinking' && delta.type === 'thinking_delta') block.thinking += delta.thinking;
      else if (block?.type === 'thinking' && delta.type === 'signature_delta') block.signature = delta.signature;
      else if (block?.type === 'tool_use' && delta.type === 'input_json_delta') partialJson.set(event.index, (partialJson.get(event.index) ?? '') + delta.partial_json);
      return;
    }
    case 'content_block_stop': {
      const block = message.content[event.index];
      const json = partialJson.get(event.index);
      if (block?.type === 'tool_use' && json !== undefined) block.input = JSON.parse(json) as Record<string, unknown>;
      return;
    }
    case 'message_delta':
      message.stop_reason = event.delta.stop_reason;
      message.stop_sequence = event.delta.stop_sequence;
      message.usage = { ...message.usage, ...event.usage };
      return;
    default:
      return;
  }
}

/**
 * A non-streamed answer: the stream translator's events folded into one Message, so a streamed and
 * a whole answer to the same chunks can never differ.
 */
export function createMessageAggregator(options: MessagesStreamOptions): MessageAggregator {
  const translator = createMessagesStreamTranslator(options);
  const message = emptyMessage(options.id, options.model);
  const partialJson = new Map<number, string>();
  const fold = (events: readonly MessageStreamEvent[]) => {
    for (const event of events) apply(message, event, partialJson);
  };
  return {
    push: (chunk) => fold(translator.push(chunk)),
    finish: (final) => fold(translator.finish(final)),
    result: () => message,
  };
}

/** Every chunk of one job, final last → the Message (for tests and batch lines). */
export function aggregateMessage(options: MessagesStreamOptions, chunks: readonly ChatChunk[]): AnthropicMessage {
  const aggregator = createMessageAggregator(options);
  for (const chunk of chunks) {
    if (chunk.done) aggregator.finish(chunk);
    else aggregator.push(chunk);
  }
  return aggregator.result();
}
