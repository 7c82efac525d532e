import { extraRequestFields, functionParametersSchema } from '@corral/ollama';
import { z } from 'zod';
import { failure, invalidRequest, ok, type Result } from '../errors.ts';
import { always, parseBody, type RefusedParameter } from '../shared/parse.ts';
import { describeValue, excerpt } from '../shared/excerpt.ts';
import { reasoningEffortSchema } from '../shared/reasoning.ts';

const unsupportedTypeError = (what: string) => ({
  error: (issue: { input?: unknown }) => `unsupported ${what} type ${describeValue((issue.input as { type?: unknown } | undefined)?.type)}`,
});

const inputText = z.object({ type: z.literal('input_text'), text: z.string() });
const outputText = z.object({ type: z.literal('output_text'), text: z.string(), annotations: z.array(z.unknown()).optional(), logprobs: z.array(z.unknown()).optional() });
const refusal = z.object({ type: z.literal('refusal'), refusal: z.string() });
const inputImage = z.object({
  type: z.literal('input_image'),
  image_url: z.string().min(1).nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(['auto', 'low', 'high', 'original']).nullish(),
});
const inputFile = z.object({ type: z.literal('input_file') }).loose();

const messageContent = z.union([
  z.string(),
  z.array(z.discriminatedUnion('type', [inputText, outputText, refusal, inputImage, inputFile], unsupportedTypeError('content part'))),
]);

const messageItem = z.object({
  type: z.literal('message'),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: messageContent,
  id: z.string().nullish(),
  status: z.string().nullish(),
  phase: z.unknown().optional(),
});
const functionCallItem = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  id: z.string().nullish(),
  status: z.string().nullish(),
  namespace: z.string().nullish(),
});
const functionCallOutputItem = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.discriminatedUnion('type', [inputText, inputImage, inputFile], unsupportedTypeError('output part')))]),
  id: z.string().nullish(),
  status: z.string().nullish(),
});
const reasoningItem = z.object({
  type: z.literal('reasoning'),
  id: z.string().nullish(),
  summary: z.array(z.object({ type: z.literal('summary_text'), text: z.string() })).default([]),
  content: z.array(z.object({ type: z.literal('reasoning_text'), text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
  status: z.string().nullish(),
});
const itemReference = z.object({ type: z.literal('item_reference'), id: z.string() });

/** Items without `type` but with a `role` are messages (the "easy" input message form). */
export const responseInputItemSchema = z.preprocess(
  (item) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item) && !('type' in item) && 'role' in item) return { ...item, type: 'message' };
    return item;
  },
  z.discriminatedUnion('type', [messageItem, functionCallItem, functionCallOutputItem, reasoningItem, itemReference], unsupportedTypeError('input item')),
);

const functionTool = z.object({
  type: z.literal('function'),
  name: z.string().min(1).max(128),
  description: z.string().nullish(),
  parameters: functionParametersSchema.nullish(),
  strict: z.boolean().nullish(),
});

const namedFunction = z.object({ type: z.literal('function'), name: z.string().min(1) });
export const responsesToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  namedFunction,
  z.object({ type: z.literal('allowed_tools'), mode: z.enum(['auto', 'required']), tools: z.array(namedFunction).min(1) }),
]);

const textFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().min(1).max(64),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullish(),
    strict: z.boolean().nullish(),
  }),
]);

export const responsesRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(responseInputItemSchema)]),
  instructions: z.string().optional(),
  tools: z.array(z.discriminatedUnion('type', [functionTool], unsupportedTypeError('tool'))).optional(),
  tool_choice: responsesToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  max_tool_calls: z.number().int().positive().optional(),
  reasoning: z.object({ effort: reasoningEffortSchema.nullish(), summary: z.string().nullish(), generate_summary: z.string().nullish() }).optional(),
  text: z.object({ format: textFormat.nullish(), verbosity: z.enum(['low', 'medium', 'high']).nullish() }).optional(),
  max_output_tokens: z.number().int().positive().optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_logprobs: z.number().int().min(0).max(0, { error: 'logprobs are not supported on /v1/responses' }).optional(),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_obfuscation: z.boolean().nullish() }).optional(),
  store: z.boolean().optional(),
  previous_response_id: z.string().min(1).optional(),
  include: z.array(z.string()).optional(),
  truncation: z.enum(['auto', 'disabled']).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  user: z.string().optional(),
  safety_identifier: z.string().optional(),
  prompt_cache_key: z.string().optional(),
  prompt_cache_retention: z.string().optional(),
  service_tier: z.string().optional(),
  background: z.boolean().optional(),
  ...extraRequestFields,
});

export type ResponsesRequest = z.output<typeof responsesRequestSchema>;
export type ResponseInputItem = z.output<typeof responseInputItemSchema>;
export type ResponsesToolChoice = z.output<typeof responsesToolChoiceSchema>;
export type ResponsesFunctionTool = z.output<typeof functionTool>;

export const ResponseInclude = {
  encryptedReasoning: 'reasoning.encrypted_content',
  outputLogprobs: 'message.output_text.logprobs',
} as const;

const refusedResponsesParameters: readonly RefusedParameter[] = [
  { param: 'background', refuse: (value) => value === true, reason: 'is not supported: responses run in the foreground.' },
  { param: 'conversation', refuse: always, reason: "is not supported: chain responses with 'previous_response_id'." },
  { param: 'prompt', refuse: always, reason: 'is not supported (stored prompt templates).' },
];

/** Validates a /v1/responses body. */
export function parseResponsesRequest(body: unknown): Result<ResponsesRequest> {
  const parsed = parseBody(responsesRequestSchema, body, refusedResponsesParameters);
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  if (request.include?.includes(ResponseInclude.outputLogprobs)) {
    return failure(invalidRequest("Unsupported parameter: 'include' value 'message.output_text.logprobs' is not supported.", 'include', 'unsupported_parameter'));
  }
  if (Array.isArray(request.input)) {
    for (const [index, item] of request.input.entries()) {
      if (item.type === 'item_reference') {
        return failure(invalidRequest('Item references are not supported: send the items themselves or use previous_response_id.', `input[${index}]`, 'unsupported_value'));
      }
    }
  }
  const names = new Set<string>();
  for (const [index, tool] of (request.tools ?? []).entries()) {
    if (names.has(tool.name)) return failure(invalidRequest(`Duplicate tool name '${tool.name}'.`, `tools[${index}].name`));
    names.add(tool.name);
  }
  const choice = request.tool_choice;
  if (choice !== undefined && choice !== 'auto' && choice !== 'none') {
    if (names.size === 0) return failure(invalidRequest("'tool_choice' requires 'tools' to be specified.", 'tool_choice'));
    const named = typeof choice === 'string' ? [] : choice.type === 'function' ? [choice.name] : choice.tools.map((tool) => tool.name);
    const unknown = named.find((name) => !names.has(name));
    if (unknown !== undefined) return failure(invalidRequest(`Tool choice '${excerpt(unknown)}' does not match any tool in 'tools'.`, 'tool_choice'));
  }
  return ok(request);
}
