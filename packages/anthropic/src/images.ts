import type { ImageBlockParam, MessageParam, CountTokensRequest } from './request-schema.ts';

const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** Standard padded base64 (line breaks tolerated), or undefined. */
export function normalizeBase64(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !base64Pattern.test(compact)) return undefined;
  return compact;
}

/** Where an image block sits in the request, with the block. */
export interface ImageLocation {
  /** `messages.2.content.0` or, inside a tool result, `messages.2.content.0.content.1`. */
  field: string;
  block: ImageBlockParam;
}

function blocksOf(message: MessageParam): Exclude<MessageParam['content'], string> {
  return typeof message.content === 'string' ? [] : message.content;
}

/** Every image block of the request, in order, including those inside tool results. */
export function imageLocations(request: Pick<CountTokensRequest, 'messages'>): ImageLocation[] {
  const locations: ImageLocation[] = [];
  for (const [messageIndex, message] of request.messages.entries()) {
    for (const [blockIndex, block] of blocksOf(message).entries()) {
      const field = `messages.${messageIndex}.content.${blockIndex}`;
      if (block.type === 'image') locations.push({ field, block });
      if (block.type === 'tool_result' && Array.isArray(block.content)) {
        for (const [innerIndex, inner] of block.content.entries()) if (inner.type === 'image') locations.push({ field: `${field}.content.${innerIndex}`, block: inner });
      }
    }
  }
  return locations;
}

/** The URLs of `url` image sources, for the edge to download (Ollama takes only inline bytes). */
export function collectImageUrls(request: Pick<CountTokensRequest, 'messages'>): { url: string; field: string }[] {
  return imageLocations(request).flatMap(({ field, block }) => (block.source.type === 'url' ? [{ url: block.source.url, field: `${field}.source.url` }] : []));
}
