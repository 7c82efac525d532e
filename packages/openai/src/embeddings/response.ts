import { EncodingFormat } from './request-schema.ts';

export interface EmbeddingObject {
  object: 'embedding';
  embedding: number[] | string;
  index: number;
}

export interface EmbeddingsResponse {
  object: 'list';
  data: EmbeddingObject[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/** Little-endian float32 bytes, standard base64: what OpenAI returns and its SDKs decode. */
export function encodeEmbeddingBase64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return Buffer.from(view.buffer).toString('base64');
}

export interface EmbeddingsResponseInput {
  model: string;
  /** One vector per input, in input order. */
  vectors: readonly (readonly number[])[];
  /** Sum of the native `prompt_eval_count`s. */
  promptTokens: number;
  encodingFormat: EncodingFormat;
}

export function buildEmbeddingsResponse(input: EmbeddingsResponseInput): EmbeddingsResponse {
  return {
    object: 'list',
    data: input.vectors.map((vector, index) => ({
      object: 'embedding',
      embedding: input.encodingFormat === EncodingFormat.base64 ? encodeEmbeddingBase64(vector) : [...vector],
      index,
    })),
    model: input.model,
    usage: { prompt_tokens: input.promptTokens, total_tokens: input.promptTokens },
  };
}
