import { findExcessiveNesting, functionParametersSchema, MAX_NESTING_DEPTH } from '@corral/ollama';
import { z } from 'zod';
import { failure, invalidRequest, ok, type Result } from './errors.ts';
import { formatFieldPath, anthropicErrorFromZod } from './zod-error.ts';

/** Prompt-caching hints: accepted on every block and tool, and ignored (Ollama caches prompts on its own). */
const cacheControl = z.object({ type: z.literal('ephemeral'), ttl: z.string().optional() }).loose().nullish();

export const textBlockSchema = z.object({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.array(z.unknown()).nullish(),
});

const base64ImageSource = z.object({
  type: z.literal('base64'),
  media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
  data: z.string().min(1),
});
const urlImageSource = z.object({ type: z.literal('url'), url: z.string().min(1) });

export const imageBlockSchema = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [base64ImageSource, urlImageSource]),
  cache_control: cacheControl,
});

const toolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

const toolResultBlockSchema = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

/** A thinking block the client sends back: its signature proves this server wrote it. */
const thinkingBlockSchema = z.object({ type: z.literal('thinking'), thinking: z.string(), signature: z.string() });
const redactedThinkingBlockSchema = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

export const contentBlockSchema = z.discriminatedUnion('type', [
  textBlockSchema,
  imageBlockSchema,
  toolUseBlockSchema,
  toolResultBlockSchema,
  thinkingBlockSchema,
  redactedThinkingBlockSchema,
]);

const messageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(contentBlockSchema)]),
});

const toolSchema = z.object({
  /** Custom tools only: `custom` or absent. Anthropic's server tools (web search, bash…) are refused by name. */
  type: z.string().nullish(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, 'String should match pattern ^[a-zA-Z0-9_-]{1,128}$'),
  description: z.string().optional(),
  input_schema: functionParametersSchema,
  cache_control: cacheControl,
});

const parallelChoice = { disable_parallel_tool_use: z.boolean().optional() };
const toolChoiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), ...parallelChoice }),
  z.object({ type: z.literal('any'), ...parallelChoice }),
  z.object({ type: z.literal('tool'), name: z.string().min(1), ...parallelChoice }),
  z.object({ type: z.literal('none') }),
]);

const thinkingSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1024), display: z.enum(['summarized', 'omitted']).nullish() }),
  z.object({ type: z.literal('disabled') }),
  z.object({ type: z.literal('adaptive'), display: z.enum(['summarized', 'omitted']).nullish() }),
]);

export const Effort = { low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'max' } as const;
export type Effort = (typeof Effort)[keyof typeof Effort];

const outputConfigSchema = z.object({
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
  format: z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
});

/**
 * What a prompt is made of: shared by `/v1/messages` and `/v1/messages/count_tokens`. Fields
 * Corral has no use for (`service_tier`, `inference_geo`…) are dropped, as unknown fields are by
 * Anthropic's compatible servers; those that would change the answer are refused below.
 */
const promptFields = {
  model: z.string().min(1),
  messages: z.array(messageSchema).min(1),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinkingSchema.optional(),
  output_config: outputConfigSchema.optional(),
};

export const messagesRequestSchema = z.object({
  ...promptFields,
  max_tokens: z.number().int().min(1),
  stop_sequences: z.array(z.string().min(1)).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  metadata: z.object({ user_id: z.string().max(256).nullish() }).optional(),
  stream: z.boolean().optional(),
});
export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type MessageParam = MessagesRequest['messages'][number];
export type ContentBlockParam = z.infer<typeof contentBlockSchema>;
export type ToolParam = z.infer<typeof toolSchema>;
export type ToolChoiceParam = z.infer<typeof toolChoiceSchema>;
export type ImageBlockParam = z.infer<typeof imageBlockSchema>;

export const countTokensRequestSchema = z.object(promptFields);
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>;

/** Fields that would change what the answer means, which this server cannot honour. */
const REFUSED_FIELDS: Record<string, string> = {
  mcp_servers: 'MCP servers are not supported by this server.',
  container: 'Containers (code execution) are not supported by this server.',
};

/** Checks what the schema cannot: names refer to each other, limits relate to each other. */
function crossFieldError(request: CountTokensRequest & { max_tokens?: number }): string | undefined {
  const names = new Set<string>();
  for (const [index, tool] of (request.tools ?? []).entries()) {
    if (tool.type != null && tool.type !== 'custom') return `tools.${index}.type: tool type '${tool.type}' is not supported by this server; only custom tools are.`;
    if (names.has(tool.name)) return `tools: Tool names must be unique (duplicate '${tool.name}').`;
    names.add(tool.name);
  }
  const choice = request.tool_choice;
  if (choice?.type === 'tool' && !names.has(choice.name)) return `tool_choice.name: Tool '${choice.name}' not found in the provided tools.`;
  if ((choice?.type === 'any' || choice?.type === 'tool') && names.size === 0) return 'tool_choice: tool_choice requires tools to be provided.';
  const thinking = request.thinking;
  if (thinking?.type === 'enabled' && request.max_tokens !== undefined && request.max_tokens <= thinking.budget_tokens) {
    return '`max_tokens` must be greater than `thinking.budget_tokens`.';
  }
  return undefined;
}

function parseWith<Schema extends typeof messagesRequestSchema | typeof countTokensRequestSchema>(schema: Schema, body: unknown): Result<z.output<Schema>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return failure(invalidRequest('The request body must be a JSON object.'));
  // Bounded before anything walks it recursively (validation, JSON.stringify on the way to a worker).
  const tooDeep = findExcessiveNesting(body, MAX_NESTING_DEPTH);
  if (tooDeep !== undefined) {
    return failure(invalidRequest(`${formatFieldPath(tooDeep.slice(0, 3))}: objects and arrays are nested too deeply (at most ${MAX_NESTING_DEPTH} levels).`));
  }
  for (const [field, reason] of Object.entries(REFUSED_FIELDS)) {
    if ((body as Record<string, unknown>)[field] != null) return failure(invalidRequest(`${field}: ${reason}`));
  }
  const parsed = schema.safeParse(body, { reportInput: true });
  if (!parsed.success) return failure(anthropicErrorFromZod(parsed.error));
  const crossField = crossFieldError(parsed.data as CountTokensRequest & { max_tokens?: number });
  if (crossField !== undefined) return failure(invalidRequest(crossField));
  return ok(parsed.data as z.output<Schema>);
}

/** Validates a `/v1/messages` body. */
export function parseMessagesRequest(body: unknown): Result<MessagesRequest> {
  return parseWith(messagesRequestSchema, body);
}

/** Validates a `/v1/messages/count_tokens` body (no `max_tokens`; sampling fields are dropped). */
export function parseCountTokensRequest(body: unknown): Result<CountTokensRequest> {
  return parseWith(countTokensRequestSchema, body);
}
