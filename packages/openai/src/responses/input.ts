import type { Message, ToolCall } from '@corral/ollama';
import { invalidRequest } from '../errors.ts';
import { TEXT_PART_SEPARATOR } from '../chat/messages.ts';
import { fail } from '../shared/failure.ts';
import { classifyImageUrl } from '../shared/images.ts';
import { parseToolArguments } from '../shared/tools.ts';
import type { ResponseInputItem, ResponsesRequest } from './request-schema.ts';
import { excerpt } from '../shared/excerpt.ts';

type ContentPart = Exclude<Extract<ResponseInputItem, { type: 'message' }>['content'], string>[number];
type OutputPart = Exclude<Extract<ResponseInputItem, { type: 'function_call_output' }>['output'], string>[number];

/** Every http(s) `input_image` URL of the request, once each, for the edge to fetch. */
export function collectResponsesImageUrls(request: Pick<ResponsesRequest, 'input'>): string[] {
  const urls = new Set<string>();
  if (typeof request.input === 'string') return [];
  for (const item of request.input) {
    const parts: ReadonlyArray<ContentPart | OutputPart> =
      item.type === 'message' && typeof item.content !== 'string' ? item.content : item.type === 'function_call_output' && typeof item.output !== 'string' ? item.output : [];
    for (const part of parts) {
      if (part.type !== 'input_image' || part.image_url == null) continue;
      const reference = classifyImageUrl(part.image_url);
      if (reference.kind === 'remote') urls.add(reference.url);
    }
  }
  return [...urls];
}

interface PartsContent {
  text: string;
  images: string[];
}

function partsContent(parts: ReadonlyArray<ContentPart | OutputPart>, param: string, resolvedImages: ReadonlyMap<string, string>): PartsContent {
  const texts: string[] = [];
  const images: string[] = [];
  for (const [index, part] of parts.entries()) {
    const partParam = `${param}[${index}]`;
    switch (part.type) {
      case 'input_text':
      case 'output_text':
        texts.push(part.text);
        break;
      case 'refusal':
        texts.push(part.refusal);
        break;
      case 'input_image': {
        if (part.image_url == null) fail(invalidRequest('Images by file_id are not supported: send image_url.', `${partParam}.file_id`, 'unsupported_value'));
        const reference = classifyImageUrl(part.image_url);
        if (reference.kind === 'invalid') fail(invalidRequest(`Invalid image: ${reference.reason}.`, `${partParam}.image_url`, 'invalid_image_url'));
        if (reference.kind === 'data') {
          images.push(reference.base64);
          break;
        }
        const fetched = resolvedImages.get(reference.url);
        if (fetched === undefined) fail(invalidRequest(`The image at ${excerpt(reference.url)} could not be downloaded.`, `${partParam}.image_url`, 'invalid_image_url'));
        images.push(fetched);
        break;
      }
      case 'input_file':
        fail(invalidRequest('File inputs are not supported: send text or images.', `${partParam}.type`, 'unsupported_value'));
    }
  }
  return { text: texts.join(TEXT_PART_SEPARATOR), images };
}

function reasoningText(item: Extract<ResponseInputItem, { type: 'reasoning' }>): string {
  // Corral puts the full reasoning in encrypted_content; the summary is the fallback.
  if (item.encrypted_content != null && item.encrypted_content !== '') return item.encrypted_content;
  const content = (item.content ?? []).map((part) => part.text).join('');
  if (content !== '') return content;
  return item.summary.map((part) => part.text).join(TEXT_PART_SEPARATOR);
}

/**
 * Responses items → native chat messages, continuing `history` (whose tool calls resolve
 * the names of function_call_output items). Reasoning items become the `thinking` of the
 * assistant turn that follows; function calls join the assistant turn they follow; an
 * assistant message right after an assistant turn that has calls but no text (a call
 * sent before its message) fills that turn, so tool results stay right after their calls.
 */
export function responseItemsToNative(
  items: readonly ResponseInputItem[],
  history: readonly Message[],
  resolvedImages: ReadonlyMap<string, string>,
  paramPrefix = 'input',
): Message[] {
  const messages: Message[] = [];
  const toolNames = new Map<string, string>();
  for (const message of history) for (const call of message.tool_calls ?? []) if (call.id !== undefined) toolNames.set(call.id, call.function.name);
  let pendingThinking: string | undefined;

  const last = (): Message | undefined => messages.at(-1) ?? undefined;
  const takeThinking = (target: Message) => {
    if (pendingThinking === undefined) return;
    target.thinking = target.thinking === undefined ? pendingThinking : `${target.thinking}${TEXT_PART_SEPARATOR}${pendingThinking}`;
    pendingThinking = undefined;
  };

  for (const [index, item] of items.entries()) {
    const param = `${paramPrefix}[${index}]`;
    switch (item.type) {
      case 'message': {
        const content = typeof item.content === 'string' ? { text: item.content, images: [] } : partsContent(item.content, `${param}.content`, resolvedImages);
        if (item.role === 'assistant') {
          const previous = last();
          if (previous?.role === 'assistant' && previous.content === '' && (previous.tool_calls?.length ?? 0) > 0) {
            previous.content = content.text;
            takeThinking(previous);
            break;
          }
          const message: Message = { role: 'assistant', content: content.text };
          takeThinking(message);
          messages.push(message);
          break;
        }
        const message: Message = { role: item.role === 'developer' ? 'system' : item.role, content: content.text };
        if (content.images.length > 0) message.images = content.images;
        messages.push(message);
        break;
      }
      case 'function_call': {
        const parsed = parseToolArguments(item.arguments);
        if (parsed === undefined) fail(invalidRequest('Function call arguments must be a JSON object encoded as a string.', `${param}.arguments`));
        const call: ToolCall = { id: item.call_id, function: { name: item.name, arguments: parsed } };
        toolNames.set(item.call_id, item.name);
        const previous = last();
        if (previous?.role === 'assistant') {
          call.function.index = previous.tool_calls?.length ?? 0;
          (previous.tool_calls ??= []).push(call);
          takeThinking(previous);
        } else {
          call.function.index = 0;
          const message: Message = { role: 'assistant', content: '', tool_calls: [call] };
          takeThinking(message);
          messages.push(message);
        }
        break;
      }
      case 'function_call_output': {
        const toolName = toolNames.get(item.call_id);
        if (toolName === undefined) fail(invalidRequest(`No function call with call_id '${excerpt(item.call_id)}' precedes this output.`, `${param}.call_id`));
        const content = typeof item.output === 'string' ? { text: item.output, images: [] } : partsContent(item.output, `${param}.output`, resolvedImages);
        const message: Message = { role: 'tool', content: content.text, tool_call_id: item.call_id, tool_name: toolName };
        if (content.images.length > 0) message.images = content.images;
        messages.push(message);
        break;
      }
      case 'reasoning': {
        const text = reasoningText(item);
        if (text !== '') pendingThinking = pendingThinking === undefined ? text : `${pendingThinking}${TEXT_PART_SEPARATOR}${text}`;
        break;
      }
      case 'item_reference':
        fail(invalidRequest('Item references are not supported.', param, 'unsupported_value'));
    }
  }
  if (pendingThinking !== undefined) messages.push({ role: 'assistant', content: '', thinking: pendingThinking });
  return messages;
}
