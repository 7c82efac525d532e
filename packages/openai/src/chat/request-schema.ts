import { extraRequestFields, functionParametersSchema } from '@corral/ollama';
import { z } from 'zod';
import { failure, invalidRequest, ok, type Result } from '../errors.ts';
import { always, parseBody, type RefusedParameter } from '../shared/parse.ts';
import { describeValue, excerpt } from '../shared/excerpt.ts';
import { reasoningEffortSchema } from '../shared/reasoning.ts';

const partTypeError = { error: (issue: { input?: unknown }) => `unsupported content part type ${describeValue((issue.input as { type?: unknown } | undefined)?.type)}` };

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const refusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });
const imageUrlPart = z.object({
  type: z.literal('image_url'),
  // Ollama also accepts the bare string form; so do we.
  image_url: z.union([
    z.object({ url: z.string().min(1), detail: z.enum(['auto', 'low', 'high']).nullish() }),
    z.string().min(1),
  ]),
});
const inputAudioPart = z.object({
  type: z.literal('input_audio'),
  input_audio: z.object({ data: z.string().min(1), format: z.enum(['wav', 'mp3']) }),
});
const filePart = z.object({ type: z.literal('file'), file: z.unknown() });

const textContent = z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart], partTypeError))]);

const systemMessage = z.object({ role: z.literal('system'), content: textContent, name: z.string().nullish() });
const developerMessage = z.object({ role: z.literal('developer'), content: textContent, name: z.string().nullish() });
const userMessage = z.object({
  role: z.literal('user'),
  content: z.union([
    z.string(),
    z.array(z.discriminatedUnion('type', [textPart, imageUrlPart, inputAudioPart, filePart], partTypeError)),
  ]),
  name: z.string().nullish(),
});

export const assistantToolCallSchema = z.object({
  id: z.string().min(1),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1), arguments: z.string() }),
});

const assistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart], partTypeError))]).nullish(),
  refusal: z.string().nullish(),
  name: z.string().nullish(),
  tool_calls: z.array(assistantToolCallSchema).nullish(),
  /** What DeepSeek, vLLM and Corral's own responses use. */
  reasoning_content: z.string().nullish(),
  /** Ollama's and OpenRouter's spelling. */
  reasoning: z.string().nullish(),
  function_call: z.unknown().optional(),
  audio: z.unknown().optional(),
});
const toolMessage = z.object({
  role: z.literal('tool'),
  content: textContent,
  tool_call_id: z.string().min(1),
  name: z.string().nullish(),
});

export const chatMessageSchema = z.discriminatedUnion('role', [systemMessage, developerMessage, userMessage, assistantMessage, toolMessage], {
  error: (issue) => {
    const role = (issue.input as { role?: unknown } | undefined)?.role;
    return role === undefined ? 'missing role' : `unsupported role ${describeValue(role)}: use system, developer, user, assistant or tool`;
  },
});

export const chatToolSchema = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().min(1).max(128),
    description: z.string().nullish(),
    parameters: functionParametersSchema.nullish(),
    strict: z.boolean().nullish(),
  }),
});

const namedToolChoice = z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) });
const allowedToolsChoice = z.object({
  type: z.literal('allowed_tools'),
  allowed_tools: z.object({ mode: z.enum(['auto', 'required']), tools: z.array(namedToolChoice).min(1) }),
});
export const toolChoiceSchema = z.union([z.enum(['none', 'auto', 'required']), namedToolChoice, allowedToolsChoice]);

const responseFormatSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().min(1).max(64),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()).nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/** OpenRouter's unified reasoning object. */
const reasoningObjectSchema = z.object({
  effort: reasoningEffortSchema.nullish(),
  exclude: z.boolean().nullish(),
  enabled: z.boolean().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  summary: z.unknown().optional(),
});

export const chatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1, { error: 'at least one message is required' }),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() }).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  seed: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  max_tokens: z.number().int().positive().optional(),
  max_completion_tokens: z.number().int().positive().optional(),
  n: z.number().int().min(1).max(128).optional(),
  logprobs: z.boolean().optional(),
  top_logprobs: z.number().int().min(0).max(20).optional(),
  tools: z.array(chatToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormatSchema.optional(),
  reasoning_effort: reasoningEffortSchema.optional(),
  reasoning: reasoningObjectSchema.optional(),
  modalities: z.array(z.enum(['text', 'audio'])).optional(),
  logit_bias: z.record(z.string(), z.number()).optional(),
  // Accepted and without effect on generation (bookkeeping, routing hints for OpenAI's own fleet).
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  store: z.boolean().optional(),
  service_tier: z.string().optional(),
  prompt_cache_key: z.string().optional(),
  prompt_cache_retention: z.string().optional(),
  safety_identifier: z.string().optional(),
  verbosity: z.enum(['low', 'medium', 'high']).optional(),
  ...extraRequestFields,
});

export type ChatCompletionRequest = z.output<typeof chatRequestSchema>;
export type ChatMessageInput = z.output<typeof chatMessageSchema>;
export type ChatToolInput = z.output<typeof chatToolSchema>;
export type ChatToolChoice = z.output<typeof toolChoiceSchema>;

const refusedChatParameters: readonly RefusedParameter[] = [
  { param: 'audio', refuse: always, reason: 'is not supported: Corral generates text only.' },
  { param: 'prediction', refuse: always, reason: 'is not supported (predicted outputs).' },
  { param: 'functions', refuse: always, reason: 'is deprecated and not supported: use tools.' },
  { param: 'function_call', refuse: always, reason: 'is deprecated and not supported: use tool_choice.' },
  { param: 'web_search_options', refuse: always, reason: 'is not supported: there is no built-in web search.' },
  {
    param: 'logit_bias',
    refuse: (value) => typeof value === 'object' && Object.keys(value as object).length > 0,
    reason: 'is not supported by Ollama.',
  },
  {
    param: 'modalities',
    refuse: (value) => Array.isArray(value) && value.includes('audio'),
    reason: "may only contain 'text': Corral generates text only.",
  },
];

/** Validates a /v1/chat/completions body: shape, ranges and cross-field rules. */
export function parseChatRequest(body: unknown): Result<ChatCompletionRequest> {
  const parsed = parseBody(chatRequestSchema, body, refusedChatParameters);
  if (!parsed.ok) return parsed;
  const request = parsed.value;

  if (request.top_logprobs !== undefined && request.top_logprobs > 0 && request.logprobs !== true) {
    return failure(invalidRequest("'top_logprobs' requires 'logprobs' to be true.", 'top_logprobs'));
  }
  if (request.reasoning?.max_tokens != null) {
    return failure(
      invalidRequest(
        "Unsupported parameter: 'reasoning.max_tokens' (a thinking budget) is not supported by Ollama; use 'reasoning.effort'.",
        'reasoning.max_tokens',
        'unsupported_parameter',
      ),
    );
  }
  for (const [index, message] of request.messages.entries()) {
    if (message.role !== 'assistant') continue;
    if (message.function_call != null) {
      return failure(invalidRequest("'function_call' is deprecated and not supported: use 'tool_calls'.", `messages[${index}].function_call`, 'unsupported_parameter'));
    }
    if (message.audio != null) {
      return failure(invalidRequest('Audio messages are not supported.', `messages[${index}].audio`, 'unsupported_parameter'));
    }
  }

  const toolNames = new Set<string>();
  for (const [index, tool] of (request.tools ?? []).entries()) {
    if (toolNames.has(tool.function.name)) {
      return failure(invalidRequest(`Duplicate tool name '${tool.function.name}'.`, `tools[${index}].function.name`));
    }
    toolNames.add(tool.function.name);
  }
  const choice = request.tool_choice;
  if (choice !== undefined && choice !== 'none' && choice !== 'auto') {
    if (toolNames.size === 0) {
      return failure(invalidRequest("'tool_choice' requires 'tools' to be specified.", 'tool_choice'));
    }
    const named = typeof choice === 'string' ? [] : choice.type === 'function' ? [choice.function.name] : choice.allowed_tools.tools.map((tool) => tool.function.name);
    const unknown = named.find((name) => !toolNames.has(name));
    if (unknown !== undefined) {
      return failure(invalidRequest(`Tool choice '${excerpt(unknown)}' does not match any tool in 'tools'.`, 'tool_choice'));
    }
  }
  return ok(request);
}
