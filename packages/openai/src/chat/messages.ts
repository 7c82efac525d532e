import type { Message, ToolCall } from '@corral/ollama';
import { invalidRequest } from '../errors.ts';
import { fail } from '../shared/failure.ts';
import { classifyImageUrl, normalizeBase64 } from '../shared/images.ts';
import { parseToolArguments } from '../shared/tools.ts';
import type { ChatCompletionRequest, ChatMessageInput } from './request-schema.ts';
import { excerpt } from '../shared/excerpt.ts';

/** Separate text parts of one message are separate blocks to the model; a newline keeps them apart. */
export const TEXT_PART_SEPARATOR = '\n';

type UserContent = Extract<ChatMessageInput, { role: 'user' }>['content'];

function imageUrlOf(part: { image_url: string | { url: string } }): string {
  return typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
}

/** Every http(s) image URL of the request, once each, for the edge to fetch before translating. */
export function collectImageUrls(request: Pick<ChatCompletionRequest, 'messages'>): string[] {
  const urls = new Set<string>();
  for (const message of request.messages) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const part of message.content) {
      if (part.type !== 'image_url') continue;
      const reference = classifyImageUrl(imageUrlOf(part));
      if (reference.kind === 'remote') urls.add(reference.url);
    }
  }
  return [...urls];
}

function joinText(content: string | ReadonlyArray<{ type: string; text?: string; refusal?: string }>): string {
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'text' ? part.text : part.type === 'refusal' ? part.refusal : undefined))
    .filter((text): text is string => text !== undefined)
    .join(TEXT_PART_SEPARATOR);
}

function userMessage(content: UserContent, messageIndex: number, resolvedImages: ReadonlyMap<string, string>): Message {
  if (typeof content === 'string') return { role: 'user', content };
  const texts: string[] = [];
  const images: string[] = [];
  for (const [partIndex, part] of content.entries()) {
    const param = `messages[${messageIndex}].content[${partIndex}]`;
    switch (part.type) {
      case 'text':
        texts.push(part.text);
        break;
      case 'image_url': {
        const reference = classifyImageUrl(imageUrlOf(part));
        if (reference.kind === 'invalid') fail(invalidRequest(`Invalid image: ${reference.reason}.`, `${param}.image_url`, 'invalid_image_url'));
        if (reference.kind === 'data') {
          images.push(reference.base64);
          break;
        }
        const fetched = resolvedImages.get(reference.url);
        if (fetched === undefined) fail(invalidRequest(`The image at ${excerpt(reference.url)} could not be downloaded.`, `${param}.image_url`, 'invalid_image_url'));
        images.push(fetched);
        break;
      }
      case 'input_audio': {
        // Ollama carries audio bytes in `images` for audio-capable models (as its own layer does).
        const audio = normalizeBase64(part.input_audio.data);
        if (audio === undefined) fail(invalidRequest('Invalid audio: the data is not valid base64.', `${param}.input_audio.data`));
        images.push(audio);
        break;
      }
      case 'file':
        fail(invalidRequest('File content parts are not supported: send text or images.', `${param}.type`, 'unsupported_value'));
    }
  }
  const message: Message = { role: 'user', content: texts.join(TEXT_PART_SEPARATOR) };
  if (images.length > 0) message.images = images;
  return message;
}

function assistantMessage(message: Extract<ChatMessageInput, { role: 'assistant' }>, messageIndex: number): Message {
  const content = message.content == null ? (message.refusal ?? '') : joinText(message.content);
  const native: Message = { role: 'assistant', content };
  const thinking = message.reasoning_content ?? message.reasoning;
  if (thinking != null && thinking !== '') native.thinking = thinking;
  if (message.tool_calls != null && message.tool_calls.length > 0) {
    native.tool_calls = message.tool_calls.map((call, callIndex): ToolCall => {
      const parsed = parseToolArguments(call.function.arguments);
      if (parsed === undefined) {
        fail(
          invalidRequest(
            'Tool call arguments must be a JSON object encoded as a string.',
            `messages[${messageIndex}].tool_calls[${callIndex}].function.arguments`,
          ),
        );
      }
      return { id: call.id, function: { index: callIndex, name: call.function.name, arguments: parsed } };
    });
  }
  return native;
}

/**
 * OpenAI messages → native messages, one for one: developer becomes system, parts are merged
 * (text joined, images collected), tool results get the tool's name from the call they answer.
 */
export function chatMessagesToNative(
  messages: readonly ChatMessageInput[],
  resolvedImages: ReadonlyMap<string, string>,
): Message[] {
  const toolNamesById = new Map<string, string>();
  return messages.map((message, index): Message => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: joinText(message.content) };
      case 'user':
        return userMessage(message.content, index, resolvedImages);
      case 'assistant': {
        const native = assistantMessage(message, index);
        for (const call of native.tool_calls ?? []) {
          if (call.id !== undefined) toolNamesById.set(call.id, call.function.name);
        }
        return native;
      }
      case 'tool': {
        const toolName = message.name ?? toolNamesById.get(message.tool_call_id);
        if (toolName === undefined) {
          fail(
            invalidRequest(
              `No assistant tool call with id '${excerpt(message.tool_call_id)}' precedes this tool message.`,
              `messages[${index}].tool_call_id`,
            ),
          );
        }
        return { role: 'tool', content: joinText(message.content), tool_call_id: message.tool_call_id, tool_name: toolName };
      }
    }
  });
}
