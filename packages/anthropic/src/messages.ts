import type { Message, ToolCall } from '@corral/ollama';
import { fail, invalidRequest } from './errors.ts';
import { normalizeBase64 } from './images.ts';
import type { ContentBlockParam, CountTokensRequest, ImageBlockParam, MessageParam } from './request-schema.ts';

export interface MessageConversion {
  /** http(s) image URL → raw base64, downloaded by the edge for every URL of `collectImageUrls`. */
  resolvedImages: ReadonlyMap<string, string>;
  /** Whether a thinking block's signature is one this server made. */
  verifyThinking(thinking: string, signature: string): boolean;
}

/** Prefix of a tool result the client marked `is_error`, so the model reads it as a failure. */
export const TOOL_ERROR_PREFIX = 'Error: ';

function imageBytes(block: ImageBlockParam, field: string, conversion: MessageConversion): string {
  if (block.source.type === 'url') {
    const bytes = conversion.resolvedImages.get(block.source.url);
    if (bytes === undefined) fail(invalidRequest(`${field}.source.url: the image was not downloaded.`));
    return bytes;
  }
  const base64 = normalizeBase64(block.source.data);
  if (base64 === undefined) fail(invalidRequest(`${field}.source.data: the image data is not valid base64.`));
  return base64;
}

function systemMessage(system: CountTokensRequest['system']): Message | undefined {
  const text = typeof system === 'string' ? system : (system ?? []).map((block) => block.text).join('\n');
  return text === '' ? undefined : { role: 'system', content: text };
}

function blocksOf(message: MessageParam): ContentBlockParam[] {
  return typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
}

/**
 * A user turn: its tool results become `tool` messages, first and in order (each answers a call of
 * the turn before), then its text and images one user message.
 */
function userMessages(blocks: ContentBlockParam[], field: string, toolNames: ReadonlyMap<string, string>, conversion: MessageConversion): Message[] {
  const results: Message[] = [];
  const texts: string[] = [];
  const images: string[] = [];
  for (const [index, block] of blocks.entries()) {
    const blockField = `${field}.${index}`;
    switch (block.type) {
      case 'text':
        texts.push(block.text);
        break;
      case 'image':
        images.push(imageBytes(block, blockField, conversion));
        break;
      case 'tool_result': {
        const content = typeof block.content === 'string' ? block.content : (block.content ?? []).flatMap((inner) => (inner.type === 'text' ? [inner.text] : [])).join('\n');
        const toolImages = typeof block.content === 'string' ? [] : (block.content ?? []).flatMap((inner, innerIndex) => (inner.type === 'image' ? [imageBytes(inner, `${blockField}.content.${innerIndex}`, conversion)] : []));
        const tool: Message = { role: 'tool', content: block.is_error === true ? `${TOOL_ERROR_PREFIX}${content}` : content, tool_call_id: block.tool_use_id };
        const name = toolNames.get(block.tool_use_id);
        if (name !== undefined) tool.tool_name = name;
        if (toolImages.length > 0) tool.images = toolImages;
        results.push(tool);
        break;
      }
      default:
        fail(invalidRequest(`${blockField}.type: '${block.type}' blocks are only allowed in assistant messages.`));
    }
  }
  if (texts.length === 0 && images.length === 0) return results;
  const user: Message = { role: 'user', content: texts.join('\n') };
  if (images.length > 0) user.images = images;
  return [...results, user];
}

/** An assistant turn: text, its own thinking (signature checked) and tool calls, as one message. */
function assistantMessage(blocks: ContentBlockParam[], field: string, conversion: MessageConversion): Message {
  const texts: string[] = [];
  const thinking: string[] = [];
  const calls: ToolCall[] = [];
  for (const [index, block] of blocks.entries()) {
    const blockField = `${field}.${index}`;
    switch (block.type) {
      case 'text':
        texts.push(block.text);
        break;
      case 'thinking':
        if (!conversion.verifyThinking(block.thinking, block.signature)) fail(invalidRequest(`${blockField}: Invalid \`signature\` in \`thinking\` block`));
        thinking.push(block.thinking);
        break;
      case 'redacted_thinking':
        // Never produced here (this server's thinking is returned in the clear): what another provider
        // encrypted cannot be read by this model, so it is left out of the prompt.
        break;
      case 'tool_use':
        calls.push({ id: block.id, function: { name: block.name, arguments: block.input } });
        break;
      default:
        fail(invalidRequest(`${blockField}.type: '${block.type}' blocks are only allowed in user messages.`));
    }
  }
  const message: Message = { role: 'assistant', content: texts.join('') };
  if (thinking.length > 0) message.thinking = thinking.join('\n');
  if (calls.length > 0) message.tool_calls = calls;
  return message;
}

/** `system` and `messages` → Ollama's chat messages. */
export function messagesToNative(request: Pick<CountTokensRequest, 'system' | 'messages'>, conversion: MessageConversion): Message[] {
  const native: Message[] = [];
  const system = systemMessage(request.system);
  if (system !== undefined) native.push(system);
  // A tool result names only its call's id; Ollama's tool message also wants the tool's name.
  const toolNames = new Map<string, string>();
  for (const [index, message] of request.messages.entries()) {
    const blocks = blocksOf(message);
    const field = `messages.${index}.content`;
    if (message.role === 'user') {
      native.push(...userMessages(blocks, field, toolNames, conversion));
      continue;
    }
    for (const block of blocks) if (block.type === 'tool_use') toolNames.set(block.id, block.name);
    native.push(assistantMessage(blocks, field, conversion));
  }
  return native;
}
