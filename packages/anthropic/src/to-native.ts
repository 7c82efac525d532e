import { mergeOptions, resolveKeepAlive, resolveThinkOverride, type ChatRequest, type ModelOverrides, type Options } from '@corral/ollama';
import { attempt, fail, invalidRequest, type Result } from './errors.ts';
import { messagesToNative, type MessageConversion } from './messages.ts';
import type { CountTokensRequest, MessagesRequest } from './request-schema.ts';
import { thinkFromRequest } from './thinking.ts';
import { selectTools, type ToolMode } from './tools.ts';

export interface MessagesNativeContext extends MessageConversion {
  /** The Ollama model that will run (the alias resolved). */
  model: string;
  overrides?: ModelOverrides;
}

export interface MessagesTranslation {
  /** The canonical job. Always `stream: true`: the worker streams and the edge aggregates. */
  native: ChatRequest;
  /** The caller asked for server-sent events. */
  stream: boolean;
  toolMode: ToolMode;
  forcedToolNames?: string[];
  /** false: at most one tool_use block (`disable_parallel_tool_use`). */
  parallelToolCalls: boolean;
  /** The model thinks but its thinking is not returned (the model's `excludeReasoning` override). */
  excludeThinking: boolean;
}

function requestOptions(request: MessagesRequest): Options {
  const options: Options = { num_predict: request.max_tokens };
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.top_p !== undefined) options.top_p = request.top_p;
  if (request.top_k !== undefined) options.top_k = request.top_k;
  if (request.stop_sequences !== undefined && request.stop_sequences.length > 0) options.stop = request.stop_sequences;
  return options;
}

/** The prompt part of a request (shared with count_tokens): messages, tools, format, think. */
function promptToNative(request: CountTokensRequest, context: MessagesNativeContext) {
  const messages = messagesToNative(request, context);
  const selection = selectTools(request.tools, request.tool_choice);
  const think = thinkFromRequest(request);
  if (selection.forcedFormat !== undefined && think !== undefined && think !== false) {
    fail(invalidRequest('Thinking may not be enabled when tool_choice forces tool use.'));
  }
  let format: ChatRequest['format'] = request.output_config?.format?.schema;
  if (selection.forcedFormat !== undefined) {
    if (format !== undefined) fail(invalidRequest('output_config.format: cannot be combined with a tool_choice that forces tool use.'));
    format = selection.forcedFormat;
  }
  const native: ChatRequest = { model: context.model, messages, stream: true };
  if (selection.tools !== undefined) native.tools = selection.tools;
  if (format !== undefined) native.format = format;
  const resolvedThink = resolveThinkOverride(think, context.overrides);
  if (resolvedThink !== undefined) native.think = resolvedThink;
  const keepAlive = resolveKeepAlive(undefined, context.overrides);
  if (keepAlive !== undefined) native.keep_alive = keepAlive;
  return { native, selection };
}

/** A validated Messages request → one native Ollama chat job plus what the response side needs. */
export function messagesToChat(request: MessagesRequest, context: MessagesNativeContext): Result<MessagesTranslation> {
  return attempt(() => {
    const { native, selection } = promptToNative(request, context);
    const options = mergeOptions(requestOptions(request), context.overrides);
    if (options !== undefined) native.options = options;
    const translation: MessagesTranslation = {
      native,
      stream: request.stream === true,
      toolMode: selection.toolMode,
      parallelToolCalls: selection.parallel,
      excludeThinking: context.overrides?.excludeReasoning ?? false,
    };
    if (selection.forcedToolNames !== undefined) translation.forcedToolNames = selection.forcedToolNames;
    return translation;
  });
}

/**
 * Ollama has no tokenizer endpoint: a count is the `prompt_eval_count` of a chat job of the same
 * prompt (messages, system, tools, thinking blocks, think setting) that generates one token — 1,
 * because Ollama reads `num_predict: 0` as "no limit". The model's own tokenizer and template count it.
 */
export const COUNT_TOKENS_NUM_PREDICT = 1;

export function countTokensToChat(request: CountTokensRequest, context: MessagesNativeContext): Result<ChatRequest> {
  return attempt(() => {
    const { native } = promptToNative(request, context);
    // The format constrains sampling, not the prompt: without it the one token is cheap and sure to come.
    delete native.format;
    // The model's option overrides may size the context (num_ctx), which bounds what is evaluated.
    native.options = { ...mergeOptions({}, context.overrides), num_predict: COUNT_TOKENS_NUM_PREDICT };
    delete native.options.stop;
    return native;
  });
}
