import { extraRequestFields } from '@corral/ollama';
import { z } from 'zod';
import { failure, invalidRequest, ok, type Result } from '../errors.ts';
import { parseBody, type RefusedParameter } from '../shared/parse.ts';
import { textOrTokens } from '../shared/token-input.ts';

const nonEmptyPrompt = z.string().min(1, { error: 'the prompt must not be empty' });

export const completionRequestSchema = z.object({
  model: z.string().min(1),
  // An empty prompt would make Ollama only load the model and generate nothing.
  // Token ids (one list per prompt) are decoded to text.
  prompt: textOrTokens({ text: z.union([nonEmptyPrompt, z.array(nonEmptyPrompt).min(1, { error: 'at least one prompt is required' })]) }),
  suffix: z.string().optional(),
  max_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  n: z.number().int().min(1).max(128).optional(),
  best_of: z.number().int().min(1).max(128).optional(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() }).optional(),
  /** Legacy: how many top alternatives per token (OpenAI allows up to 5, Ollama 20). */
  logprobs: z.number().int().min(0).max(20).optional(),
  echo: z.boolean().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  logit_bias: z.record(z.string(), z.number()).optional(),
  seed: z.number().int().optional(),
  user: z.string().optional(),
  /** Ollama: skip the model's prompt template and continue the text as given. */
  raw: z.boolean().optional(),
  ...extraRequestFields,
});

export type CompletionRequest = z.output<typeof completionRequestSchema>;

const refusedCompletionParameters: readonly RefusedParameter[] = [
  {
    param: 'logit_bias',
    refuse: (value) => typeof value === 'object' && Object.keys(value as object).length > 0,
    reason: 'is not supported by Ollama.',
  },
];

/** Validates a /v1/completions body. */
export function parseCompletionRequest(body: unknown): Result<CompletionRequest> {
  const parsed = parseBody(completionRequestSchema, body, refusedCompletionParameters);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  const n = request.n ?? 1;
  if (request.best_of !== undefined && request.best_of !== n) {
    // Picking the best of several samples needs a server-side score Ollama does not give.
    return failure(invalidRequest("Unsupported parameter: 'best_of' must equal 'n' (server-side ranking is not supported).", 'best_of', 'unsupported_parameter'));
  }
  if (request.echo === true && request.logprobs !== undefined) {
    return failure(invalidRequest("Unsupported parameter: 'echo' cannot be combined with 'logprobs' (prompt logprobs are not available).", 'echo', 'unsupported_parameter'));
  }
  if (request.echo === true && request.suffix !== undefined) {
    return failure(invalidRequest("'echo' cannot be combined with 'suffix'.", 'echo'));
  }
  return ok(request);
}
