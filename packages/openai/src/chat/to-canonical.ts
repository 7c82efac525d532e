import { mergeOptions, pickOptions, resolveKeepAlive, resolveThinkOverride, type ChatRequest, type Format, type Options } from '@corral/ollama';
import { invalidRequest, type Result } from '../errors.ts';
import type { NativeContext } from '../shared/context.ts';
import { attempt, fail } from '../shared/failure.ts';
import { samplingOptions } from '../shared/sampling.ts';
import { resolveThink } from '../shared/reasoning.ts';
import type { ToolMode } from '../shared/tools.ts';
import { chatMessagesToNative } from './messages.ts';
import type { ChatCompletionRequest } from './request-schema.ts';
import { selectTools } from './tool-selection.ts';

export interface ChatNativeContext extends NativeContext {
  /** http(s) image URL → raw base64, fetched by the edge for every URL of `collectImageUrls`. */
  resolvedImages?: ReadonlyMap<string, string>;
}

export interface ChatTranslation {
  /** The canonical job. Always `stream: true`: the worker streams and the edge aggregates. */
  native: ChatRequest;
  /** `n`: how many jobs to run (see `nativeForChoice`). */
  choices: number;
  /** The caller asked for SSE. */
  stream: boolean;
  /** `stream_options.include_usage`. */
  includeUsage: boolean;
  /** Think, but do not return the reasoning (`reasoning.exclude` or the model override). */
  excludeReasoning: boolean;
  toolMode: ToolMode;
  forcedToolNames?: string[];
  /** `parallel_tool_calls: false` → at most one tool call per choice. */
  parallelToolCalls: boolean;
  logprobs: boolean;
}

function responseFormat(request: ChatCompletionRequest): Format | undefined {
  const format = request.response_format;
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return 'json';
  // A json_schema without a schema still promises JSON.
  return format.json_schema.schema ?? 'json';
}

function requestOptions(request: ChatCompletionRequest): Options {
  const options: Options = { ...pickOptions(request), ...samplingOptions(request) };
  // max_completion_tokens is OpenAI's current name; it wins over the legacy max_tokens.
  const limit = request.max_completion_tokens ?? request.max_tokens;
  if (limit !== undefined) options.num_predict = limit;
  return options;
}

/** A validated chat request → the native Ollama chat job plus what the response side needs. */
export function chatToNative(request: ChatCompletionRequest, context: ChatNativeContext): Result<ChatTranslation> {
  return attempt(() => {
    const messages = chatMessagesToNative(request.messages, context.resolvedImages ?? new Map());
    const selection = selectTools(request.tools, request.tool_choice);
    let format = responseFormat(request);
    if (selection.forcedFormat !== undefined) {
      if (format !== undefined) {
        fail(invalidRequest("'response_format' cannot be combined with a tool_choice that forces a tool call.", 'response_format'));
      }
      format = selection.forcedFormat;
    }

    const thinking = resolveThink({
      think: request.think,
      effort: request.reasoning?.effort != null
        ? { value: request.reasoning.effort, param: 'reasoning.effort' }
        : request.reasoning_effort !== undefined ? { value: request.reasoning_effort, param: 'reasoning_effort' } : undefined,
      enabled: request.reasoning?.enabled != null ? { value: request.reasoning.enabled, param: 'reasoning.enabled' } : undefined,
    });
    if ('error' in thinking) fail(thinking.error);
    if (request.reasoning?.effort != null && request.reasoning_effort !== undefined && request.reasoning.effort !== request.reasoning_effort) {
      fail(invalidRequest("'reasoning.effort' contradicts 'reasoning_effort'.", 'reasoning.effort'));
    }

    const native: ChatRequest = { model: context.model, messages, stream: true };
    if (selection.tools !== undefined) native.tools = selection.tools;
    if (format !== undefined) native.format = format;
    const options = mergeOptions(requestOptions(request), context.overrides);
    if (options !== undefined) native.options = options;
    const think = resolveThinkOverride(thinking.think, context.overrides);
    if (think !== undefined) native.think = think;
    const keepAlive = resolveKeepAlive(request.keep_alive, context.overrides);
    if (keepAlive !== undefined) native.keep_alive = keepAlive;
    if (request.logprobs === true) {
      native.logprobs = true;
      if (request.top_logprobs !== undefined) native.top_logprobs = request.top_logprobs;
    }

    const translation: ChatTranslation = {
      native,
      choices: request.n ?? 1,
      stream: request.stream === true,
      includeUsage: request.stream === true && request.stream_options?.include_usage === true,
      excludeReasoning: request.reasoning?.exclude ?? context.overrides?.excludeReasoning ?? false,
      toolMode: selection.toolMode,
      parallelToolCalls: request.parallel_tool_calls ?? true,
      logprobs: request.logprobs === true,
    };
    if (selection.forcedToolNames !== undefined) translation.forcedToolNames = selection.forcedToolNames;
    return translation;
  });
}
