import { mergeOptions, resolveKeepAlive, type EmbedRequest, type Options } from '@corral/ollama';
import type { NativeContext } from '../shared/context.ts';
import { EncodingFormat, type EmbeddingsRequest } from './request-schema.ts';

export interface EmbeddingsTranslation {
  /** The whole batch as one native job (`input` always an array). */
  native: EmbedRequest;
  /** The inputs in order, for `splitEmbeddingInputs` and for `embeddingsJob`. */
  inputs: string[];
  encodingFormat: EncodingFormat;
}

/** A validated /v1/embeddings request → the native /api/embed job. */
export function embeddingsToNative(request: EmbeddingsRequest, context: NativeContext): EmbeddingsTranslation {
  const inputs = typeof request.input === 'string' ? [request.input] : request.input;
  const native: EmbedRequest = { model: context.model, input: inputs };
  if (request.dimensions !== undefined) native.dimensions = request.dimensions;
  if (request.truncate !== undefined) native.truncate = request.truncate;
  const requested: Options = request.num_ctx === undefined ? {} : { num_ctx: request.num_ctx };
  const options = mergeOptions(requested, context.overrides);
  if (options !== undefined) native.options = options;
  const keepAlive = resolveKeepAlive(request.keep_alive, context.overrides);
  if (keepAlive !== undefined) native.keep_alive = keepAlive;
  return { native, inputs, encodingFormat: request.encoding_format ?? EncodingFormat.float };
}

/** The same job for a slice of the inputs (when the edge spreads a batch across workers). */
export function embeddingsJob(native: EmbedRequest, inputs: string[]): EmbedRequest {
  return { ...native, input: inputs };
}

/**
 * Splits inputs into at most `parts` contiguous, near-equal slices (none empty), so that
 * concatenating the slices' vectors in order gives the vectors in input order.
 */
export function splitEmbeddingInputs<Input>(inputs: readonly Input[], parts: number): Input[][] {
  const count = Math.max(1, Math.min(Math.floor(parts), inputs.length));
  const base = Math.floor(inputs.length / count);
  const larger = inputs.length % count;
  const slices: Input[][] = [];
  let start = 0;
  for (let index = 0; index < count; index += 1) {
    const size = base + (index < larger ? 1 : 0);
    slices.push(inputs.slice(start, start + size));
    start += size;
  }
  return slices.filter((slice) => slice.length > 0);
}
