import { z } from 'zod';
import { ok, type Result } from '../errors.ts';
import { keepAliveSchema, ollamaOptionFields } from '../shared/ollama-fields.ts';
import { parseBody, type RefusedParameter } from '../shared/parse.ts';

/** OpenAI's own cap on inputs per request. */
export const MAX_EMBEDDING_INPUTS = 2048;

export const EncodingFormat = { float: 'float', base64: 'base64' } as const;
export type EncodingFormat = (typeof EncodingFormat)[keyof typeof EncodingFormat];

const isTokenInput = (value: unknown): boolean =>
  Array.isArray(value) && value.some((item) => typeof item === 'number' || Array.isArray(item));

const nonEmptyText = z.string().min(1, { error: 'input text must not be empty' });

export const embeddingsRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([nonEmptyText, z.array(nonEmptyText).min(1, { error: 'at least one input is required' }).max(MAX_EMBEDDING_INPUTS)]),
  dimensions: z.number().int().positive().optional(),
  // Ollama's layer compares case-insensitively; so do we.
  encoding_format: z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(['float', 'base64'], { error: "expected 'float' or 'base64'" }))
    .optional(),
  user: z.string().optional(),
  /** Ollama: cut inputs longer than the context instead of failing (Ollama's default: true). */
  truncate: z.boolean().optional(),
  keep_alive: keepAliveSchema.optional(),
  num_ctx: ollamaOptionFields.num_ctx.optional(),
});

export type EmbeddingsRequest = z.output<typeof embeddingsRequestSchema>;

const refusedEmbeddingParameters: readonly RefusedParameter[] = [
  { param: 'input', refuse: isTokenInput, reason: 'as token ids is not supported: send text.' },
];

/** Validates a /v1/embeddings body. */
export function parseEmbeddingsRequest(body: unknown): Result<EmbeddingsRequest> {
  const parsed = parseBody(embeddingsRequestSchema, body, refusedEmbeddingParameters);
  return parsed.ok ? ok(parsed.value) : parsed;
}
