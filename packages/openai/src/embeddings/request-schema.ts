import { keepAliveSchema, optionFieldSchemas } from '@corral/ollama';
import { z } from 'zod';
import { ok, type Result } from '../errors.ts';
import { parseBody } from '../shared/parse.ts';
import { textOrTokens } from '../shared/token-input.ts';

/** The most `dimensions` a request may ask for. */
export const MAX_EMBEDDING_DIMENSIONS = 65_536;

/** OpenAI's own cap on inputs per request. */
export const MAX_EMBEDDING_INPUTS = 2048;

export const EncodingFormat = { float: 'float', base64: 'base64' } as const;
export type EncodingFormat = (typeof EncodingFormat)[keyof typeof EncodingFormat];

const nonEmptyText = z.string().min(1, { error: 'input text must not be empty' });

export const embeddingsRequestSchema = z.object({
  model: z.string().min(1),
  /** Text, or token ids (one list per input) decoded to text: what langchain-openai sends by default. */
  input: textOrTokens({
    text: z.union([nonEmptyText, z.array(nonEmptyText).min(1, { error: 'at least one input is required' }).max(MAX_EMBEDDING_INPUTS)]),
    maxLists: MAX_EMBEDDING_INPUTS,
  }),
  // Wider than any embedding model's vectors; bounds the parts a batch is split into by vector width.
  dimensions: z.number().int().positive().max(MAX_EMBEDDING_DIMENSIONS).optional(),
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
  num_ctx: optionFieldSchemas.num_ctx.optional(),
});

export type EmbeddingsRequest = z.output<typeof embeddingsRequestSchema>;

/** Validates a /v1/embeddings body. */
export function parseEmbeddingsRequest(body: unknown): Result<EmbeddingsRequest> {
  const parsed = parseBody(embeddingsRequestSchema, body);
  return parsed.ok ? ok(parsed.value) : parsed;
}
