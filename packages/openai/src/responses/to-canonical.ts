import { mergeOptions, pickOptions, resolveKeepAlive, resolveThinkOverride, type ChatRequest, type Format, type Message, type Options } from '@corral/ollama';
import { invalidRequest, type Result } from '../errors.ts';
import { selectTools } from '../chat/tool-selection.ts';
import type { ChatToolChoice, ChatToolInput } from '../chat/request-schema.ts';
import type { NativeContext } from '../shared/context.ts';
import { attempt, fail } from '../shared/failure.ts';
import { resolveThink } from '../shared/reasoning.ts';
import { samplingOptions } from '../shared/sampling.ts';
import type { ToolMode } from '../shared/tools.ts';
import { responseItemsToNative } from './input.ts';
import { ResponseInclude, type ResponsesRequest, type ResponsesToolChoice } from './request-schema.ts';
import type { ResponseSettings, ResponseTextFormat, ResponseToolChoice } from './wire-types.ts';

export interface ResponsesNativeContext extends NativeContext {
  /** The stored conversation of `previous_response_id` (loaded by the edge), without its instructions. */
  previousMessages?: readonly Message[];
  /** http(s) image URL → raw base64, for every URL of `collectResponsesImageUrls`. */
  resolvedImages?: ReadonlyMap<string, string>;
}

export interface ResponsesTranslation {
  /** The canonical job (always streaming). */
  native: ChatRequest;
  /**
   * The conversation so far without `instructions` (OpenAI does not carry instructions over
   * to chained responses): persist `conversationAfter(conversation, output)` for chaining.
   */
  conversation: Message[];
  stream: boolean;
  /** The caller wants `store` (default true): the edge persists the response for chaining. */
  store: boolean;
  toolMode: ToolMode;
  forcedToolNames?: string[];
  parallelToolCalls: boolean;
  maxToolCalls?: number;
  excludeReasoning: boolean;
  /** `include: ["reasoning.encrypted_content"]`. */
  includeEncryptedReasoning: boolean;
  /** What the response object reports back about the request. */
  settings: ResponseSettings;
}

/** The chat tool machinery serves Responses too: same forcing, same formats. */
function asChatTools(request: ResponsesRequest): { tools: ChatToolInput[] | undefined; choice: ChatToolChoice | undefined } {
  const tools = request.tools?.map((tool): ChatToolInput => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.parameters, strict: tool.strict },
  }));
  const choice = request.tool_choice;
  if (choice === undefined || typeof choice === 'string') return { tools, choice };
  if (choice.type === 'function') return { tools, choice: { type: 'function', function: { name: choice.name } } };
  return {
    tools,
    choice: { type: 'allowed_tools', allowed_tools: { mode: choice.mode, tools: choice.tools.map((tool) => ({ type: 'function' as const, function: { name: tool.name } })) } },
  };
}

function textFormat(request: ResponsesRequest): ResponseTextFormat {
  return request.text?.format ?? { type: 'text' };
}

function nativeFormat(format: ResponseTextFormat): Format | undefined {
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') return 'json';
  return format.schema;
}

function echoToolChoice(choice: ResponsesToolChoice | undefined): ResponseToolChoice {
  return choice ?? 'auto';
}

function settingsOf(request: ResponsesRequest): ResponseSettings {
  const settings: ResponseSettings = {
    instructions: request.instructions ?? null,
    tools: (request.tools ?? []).map((tool) => ({
      type: 'function',
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    })),
    tool_choice: echoToolChoice(request.tool_choice),
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    max_tool_calls: request.max_tool_calls ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    // Unset sampling stays unset natively (the model's defaults apply), so it is reported as null.
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: request.reasoning === undefined ? null : { effort: request.reasoning.effort ?? null, summary: request.reasoning.summary ?? null },
    text: { format: textFormat(request) },
    truncation: request.truncation ?? 'disabled',
    metadata: request.metadata ?? {},
    store: request.store ?? true,
    safety_identifier: request.safety_identifier ?? null,
    prompt_cache_key: request.prompt_cache_key ?? null,
  };
  if (request.user !== undefined) settings.user = request.user;
  return settings;
}

/** A validated /v1/responses request (+ the loaded history of `previous_response_id`) → native chat. */
export function responsesToNative(request: ResponsesRequest, context: ResponsesNativeContext): Result<ResponsesTranslation> {
  return attempt(() => {
    const history = [...(context.previousMessages ?? [])];
    const items = typeof request.input === 'string' ? [{ type: 'message' as const, role: 'user' as const, content: request.input }] : request.input;
    const conversation = [...history, ...responseItemsToNative(items, history, context.resolvedImages ?? new Map())];
    const messages: Message[] = request.instructions === undefined ? conversation : [{ role: 'system', content: request.instructions }, ...conversation];

    const chatTools = asChatTools(request);
    const selection = selectTools(chatTools.tools, chatTools.choice);
    const settings = settingsOf(request);
    let format = nativeFormat(settings.text.format);
    if (selection.forcedFormat !== undefined) {
      if (format !== undefined) fail(invalidRequest("'text.format' cannot be combined with a tool_choice that forces a tool call.", 'text.format'));
      format = selection.forcedFormat;
    }
    const thinking = resolveThink({
      think: request.think,
      effort: request.reasoning?.effort != null ? { value: request.reasoning.effort, param: 'reasoning.effort' } : undefined,
    });
    if ('error' in thinking) fail(thinking.error);

    const native: ChatRequest = { model: context.model, messages, stream: true };
    if (selection.tools !== undefined) native.tools = selection.tools;
    if (format !== undefined) native.format = format;
    const requested: Options = { ...pickOptions(request), ...samplingOptions(request) };
    if (request.max_output_tokens !== undefined) requested.num_predict = request.max_output_tokens;
    const options = mergeOptions(requested, context.overrides);
    if (options !== undefined) native.options = options;
    const think = resolveThinkOverride(thinking.think, context.overrides);
    if (think !== undefined) {
      native.think = think;
      settings.think = think;
    }
    const keepAlive = resolveKeepAlive(request.keep_alive, context.overrides);
    if (keepAlive !== undefined) native.keep_alive = keepAlive;

    const translation: ResponsesTranslation = {
      native,
      conversation,
      stream: request.stream === true,
      store: settings.store,
      toolMode: selection.toolMode,
      parallelToolCalls: settings.parallel_tool_calls,
      excludeReasoning: context.overrides?.excludeReasoning ?? false,
      includeEncryptedReasoning: request.include?.includes(ResponseInclude.encryptedReasoning) ?? false,
      settings,
    };
    if (selection.forcedToolNames !== undefined) translation.forcedToolNames = selection.forcedToolNames;
    if (request.max_tool_calls !== undefined) translation.maxToolCalls = request.max_tool_calls;
    return translation;
  });
}
