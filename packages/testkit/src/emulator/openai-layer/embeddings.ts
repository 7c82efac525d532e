import type { EmbedResponse } from '@corral/ollama';
import { badRequest } from './errors.ts';

type Json = Record<string, unknown>;

export const EncodingFormat = { float: 'float', base64: 'base64' } as const;
export type EncodingFormat = (typeof EncodingFormat)[keyof typeof EncodingFormat];

export interface ConvertedEmbed {
  native: Json;
  encoding: EncodingFormat;
}

/** /v1/embeddings body → native /api/embed body (EmbeddingsMiddleware). */
export function fromEmbeddingRequest(body: unknown): ConvertedEmbed {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('json: cannot unmarshal into Go value of type openai.EmbedRequest');
  }
  const request = body as Json;
  const format = typeof request.encoding_format === 'string' ? request.encoding_format : '';
  const normalized = format.toLowerCase();
  if (normalized !== '' && normalized !== 'float' && normalized !== 'base64') {
    throw badRequest(`Invalid value for 'encoding_format' = ${format}. Supported values: ['float', 'base64'].`);
  }
  let input = request.input;
  if (input === '') input = [''];
  if (input === undefined || input === null || (Array.isArray(input) && input.length === 0)) {
    throw badRequest('invalid input');
  }
  const native: Json = { model: request.model, input };
  if (typeof request.dimensions === 'number') native.dimensions = request.dimensions;
  return { native, encoding: normalized === 'base64' ? 'base64' : 'float' };
}

/** Little-endian float32 bytes in standard base64. */
export function floatsToBase64(values: readonly number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

/** ToEmbeddingList */
export function toEmbeddingList(response: EmbedResponse, model: string, encoding: EncodingFormat): Json {
  return {
    object: 'list',
    data: response.embeddings.map((embedding, index) => ({
      object: 'embedding',
      embedding: encoding === 'base64' ? floatsToBase64(embedding) : embedding,
      index,
    })),
    model,
    usage: { prompt_tokens: response.prompt_eval_count ?? 0, total_tokens: response.prompt_eval_count ?? 0 },
  };
}
