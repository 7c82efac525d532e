import type { Message } from '@corral/ollama';
import { responseItemsToNative } from './input.ts';
import type { ResponseInputItem } from './request-schema.ts';
import type { ResponseOutputItem } from './wire-types.ts';

function asInputItem(item: ResponseOutputItem): ResponseInputItem {
  switch (item.type) {
    case 'message':
      return { type: 'message', role: 'assistant', content: item.content.map((part) => ({ type: 'output_text' as const, text: part.text })) };
    case 'function_call':
      return { type: 'function_call', call_id: item.call_id, name: item.name, arguments: item.arguments };
    case 'reasoning':
      return { type: 'reasoning', summary: item.summary, encrypted_content: item.summary.map((part) => part.text).join('') };
  }
}

/**
 * What to store for `previous_response_id`: the conversation the response was generated from
 * (`ResponsesTranslation.conversation`) followed by its output as native messages.
 */
export function conversationAfter(conversation: readonly Message[], output: readonly ResponseOutputItem[]): Message[] {
  return [...conversation, ...responseItemsToNative(output.map(asInputItem), conversation, new Map(), 'output')];
}
