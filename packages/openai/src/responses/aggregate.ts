import type { ChatChunk } from '@corral/ollama';
import { createResponsesStreamTranslator, type ResponsesStreamOptions } from './stream.ts';
import type { ResponseObject } from './wire-types.ts';

/** The non-streaming response object: the stream translator's final state. */
export function aggregateResponse(options: ResponsesStreamOptions, chunks: readonly ChatChunk[]): ResponseObject {
  const translator = createResponsesStreamTranslator(options);
  const final = chunks.at(-1);
  if (final === undefined) throw new RangeError('no chunks');
  for (const chunk of chunks.slice(0, -1)) translator.push(chunk);
  translator.finish(final);
  return translator.response();
}
