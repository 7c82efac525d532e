import { z } from 'zod';
import { keepAliveSchema } from '../keep-alive.ts';
import { optionFieldSchemas, thinkSchema } from '../request-fields.ts';

/*
 * Ollama's own request bodies as Corral checks them before a worker sees them. Field names are
 * Ollama's; every object is loose, so fields Ollama accepts and Corral does not know (`shift`,
 * `_debug_render_only`, a newer release's additions) travel on to Ollama untouched. Only what Ollama
 * would refuse late (a 500 after loading the model) or what Corral must read is checked here.
 */

/** `options`: the fields Ollama types strictly are checked; unknown keys pass (Ollama ignores them with a warning). */
const optionsSchema = z.looseObject({
  ...Object.fromEntries(Object.entries(optionFieldSchemas).map(([key, schema]) => [key, schema.optional()])),
  seed: z.number().int().optional(),
  temperature: z.number().min(0).optional(),
  top_p: z.number().min(0).max(1).optional(),
  presence_penalty: z.number().optional(),
  frequency_penalty: z.number().optional(),
  stop: z.array(z.string()).optional(),
});

/** `"json"`, a JSON Schema object, or `""` / null for none. */
const formatSchema = z.union([z.literal('json'), z.literal(''), z.record(z.string(), z.unknown()), z.null()]);

const toolCallSchema = z.looseObject({
  id: z.string().optional(),
  function: z.looseObject({ index: z.number().int().optional(), name: z.string(), arguments: z.record(z.string(), z.unknown()) }),
});

const messageSchema = z.looseObject({
  role: z.string(),
  content: z.string().optional(),
  thinking: z.string().optional(),
  images: z.array(z.string()).nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  tool_name: z.string().optional(),
  tool_call_id: z.string().optional(),
});

const toolSchema = z.looseObject({
  type: z.string(),
  function: z.looseObject({ name: z.string(), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }),
});

const modelField = z.string({ error: 'model is required' }).min(1, 'model is required');

/** What chat and generate share: the model, how to answer, and Ollama's knobs. */
const generationFields = {
  model: modelField,
  stream: z.boolean().nullish(),
  format: formatSchema.optional(),
  options: optionsSchema.nullish(),
  keep_alive: keepAliveSchema.nullish(),
  think: thinkSchema.nullish(),
  logprobs: z.boolean().optional(),
  top_logprobs: z.number().int().min(0, 'top_logprobs must be between 0 and 20').max(20, 'top_logprobs must be between 0 and 20').optional(),
};

export const nativeChatRequestSchema = z.looseObject({
  ...generationFields,
  messages: z.array(messageSchema).nullish(),
  tools: z.array(toolSchema).nullish(),
  truncate: z.boolean().optional(),
});
export type NativeChatRequest = z.infer<typeof nativeChatRequestSchema>;

export const nativeGenerateRequestSchema = z.looseObject({
  ...generationFields,
  prompt: z.string().optional(),
  suffix: z.string().optional(),
  system: z.string().optional(),
  template: z.string().optional(),
  raw: z.boolean().optional(),
  images: z.array(z.string()).nullish(),
  context: z.array(z.number().int()).nullish(),
});
export type NativeGenerateRequest = z.infer<typeof nativeGenerateRequestSchema>;

export const nativeEmbedRequestSchema = z.looseObject({
  model: modelField,
  input: z.union([z.string(), z.array(z.string({ error: 'invalid input type' }))], { error: 'invalid input type' }).nullish(),
  truncate: z.boolean().optional(),
  dimensions: z.number().int().min(0).optional(),
  keep_alive: keepAliveSchema.nullish(),
  options: optionsSchema.nullish(),
});
export type NativeEmbedRequest = z.infer<typeof nativeEmbedRequestSchema>;

/** The legacy single-prompt `/api/embeddings`. */
export const nativeEmbeddingsRequestSchema = z.looseObject({
  model: modelField,
  prompt: z.string().optional(),
  keep_alive: keepAliveSchema.nullish(),
  options: optionsSchema.nullish(),
});
export type NativeEmbeddingsRequest = z.infer<typeof nativeEmbeddingsRequestSchema>;

/** `/api/show`: `model`, or the legacy `name`. */
export const nativeShowRequestSchema = z.looseObject({
  model: z.string().optional(),
  name: z.string().optional(),
  verbose: z.boolean().optional(),
});
export type NativeShowRequest = z.infer<typeof nativeShowRequestSchema>;
