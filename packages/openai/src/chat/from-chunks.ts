import type { ChatChunk, ToolCall } from '@corral/ollama';
import { finishReasonFromNative, type FinishReason } from '../finish-reason.ts';
import { createId, IdPrefix } from '../ids.ts';
import { chatLogprobsFromNative } from '../logprobs.ts';
import { parseForcedToolCall, ToolMode } from '../shared/tools.ts';
import { combineChoiceUsage, usageFromNative, type CompletionUsage } from '../usage.ts';
import type { ChatCompletionChunk, ChatCompletionDelta, ChatCompletionLogprobs, ChatCompletionToolCallDelta } from './wire-types.ts';

export interface ChatStreamIdentity {
  /** `chatcmpl-…`, shared by every chunk and every choice of one completion. */
  id: string;
  /** The model name shown to the caller. */
  model: string;
  /** Unix seconds, shared by every chunk. */
  created: number;
}

export interface ChatStreamOptions extends ChatStreamIdentity {
  /** Emit the usage chunk after the finish chunk (single-choice streams; see `chatUsageChunk`). */
  includeUsage: boolean;
  excludeReasoning: boolean;
  toolMode: ToolMode;
  forcedToolNames?: readonly string[];
  /** false → only the first tool call of the choice is passed on. Default true. */
  parallelToolCalls?: boolean;
  /** Which choice this job feeds (n>1). Default 0. */
  choiceIndex?: number;
}

export interface ChatStreamTranslator {
  /** One native chunk → zero or more OpenAI chunks. A `done` chunk is handed to `finish`. */
  push(chunk: ChatChunk): ChatCompletionChunk[];
  /** The final native chunk (`done: true`) → remaining deltas, finish chunk, usage chunk. */
  finish(final: ChatChunk): ChatCompletionChunk[];
  /** Usage from the final chunk; undefined until `finish`. */
  usage(): CompletionUsage | undefined;
  /** The finish reason sent; undefined until `finish`. */
  finishReason(): FinishReason | undefined;
}

/**
 * Native chat chunks → OpenAI `chat.completion.chunk`s for one choice. Reasoning streams as
 * `reasoning_content`, tool calls arrive whole from Ollama and go out whole (one delta with
 * id, name and the complete arguments string: every SDK accumulator accepts that), and in
 * forced-tool mode the constrained JSON content is held back and sent as one tool call.
 */
export function createChatStreamTranslator(options: ChatStreamOptions): ChatStreamTranslator {
  const choiceIndex = options.choiceIndex ?? 0;
  const parallel = options.parallelToolCalls ?? true;
  const forced = options.toolMode === ToolMode.forced;
  let roleSent = false;
  let toolCallCount = 0;
  let forcedContent = '';
  let finalUsage: CompletionUsage | undefined;
  let sentFinishReason: FinishReason | undefined;

  function chunk(delta: ChatCompletionDelta, finishReason: FinishReason | null = null, logprobs?: ChatCompletionLogprobs): ChatCompletionChunk {
    const choice: ChatCompletionChunk['choices'][number] = { index: choiceIndex, delta, finish_reason: finishReason };
    if (logprobs !== undefined) choice.logprobs = logprobs;
    return { id: options.id, object: 'chat.completion.chunk', created: options.created, model: options.model, choices: [choice] };
  }

  /** The first delta of a choice carries the role; content is null unless it is text. */
  function delta(fields: ChatCompletionDelta): ChatCompletionDelta {
    if (roleSent) return fields;
    roleSent = true;
    return { role: 'assistant', content: null, ...fields };
  }

  function toolCallDeltas(calls: readonly ToolCall[]): ChatCompletionToolCallDelta[] {
    const deltas: ChatCompletionToolCallDelta[] = [];
    for (const call of calls) {
      if (!parallel && toolCallCount > 0) break;
      deltas.push({
        // Our own counter, not Ollama's per-chunk index: indexes must never repeat in a stream.
        index: toolCallCount,
        id: call.id !== undefined && call.id !== '' ? call.id : createId(IdPrefix.toolCall),
        type: 'function',
        function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments ?? {}) },
      });
      toolCallCount += 1;
    }
    return deltas;
  }

  function translate(native: ChatChunk): ChatCompletionChunk[] {
    const output: ChatCompletionChunk[] = [];
    const message = native.message;
    // OpenAI's logprobs.content covers the answer's tokens only: the tokens of a reasoning or
    // tool-call chunk never appear there, so hidden reasoning cannot leak through logprobs.
    const answerTokens = message.content !== '' || (!message.thinking && !message.tool_calls?.length);
    const logprobs = !forced && answerTokens && native.logprobs !== undefined && native.logprobs.length > 0
      ? { content: chatLogprobsFromNative(native.logprobs), refusal: null }
      : undefined;
    let logprobsSent = false;

    if (message.thinking !== undefined && message.thinking !== '' && !options.excludeReasoning) {
      output.push(chunk(delta({ reasoning_content: message.thinking })));
    }
    if (message.content !== '') {
      if (forced) forcedContent += message.content;
      else {
        output.push(chunk(delta({ content: message.content }), null, logprobs));
        logprobsSent = true;
      }
    }
    if (message.tool_calls !== undefined && message.tool_calls.length > 0) {
      const calls = toolCallDeltas(message.tool_calls);
      if (calls.length > 0) output.push(chunk(delta({ tool_calls: calls })));
    }
    if (logprobs !== undefined && !logprobsSent) {
      // An answer token with no visible text of its own (e.g. on the final chunk).
      output.push(chunk(delta({}), null, logprobs));
    }
    return output;
  }

  function resolveForcedCall(): ChatCompletionChunk[] {
    if (!forced || toolCallCount > 0 || forcedContent === '') return [];
    const call = parseForcedToolCall(forcedContent, options.forcedToolNames ?? []);
    if (call === undefined) {
      // Cut short (length) or malformed: hand over what the model wrote rather than invent a call.
      return [chunk(delta({ content: forcedContent }))];
    }
    return [chunk(delta({ tool_calls: toolCallDeltas([{ function: { name: call.name, arguments: call.arguments } }]) }))];
  }

  function finish(final: ChatChunk): ChatCompletionChunk[] {
    // A repeated final chunk must not produce a second finish chunk.
    if (sentFinishReason !== undefined) return [];
    const output = translate(final);
    output.push(...resolveForcedCall());
    if (!roleSent) output.push(chunk(delta({ content: '' })));
    sentFinishReason = finishReasonFromNative(final.done_reason, toolCallCount > 0);
    output.push(chunk({}, sentFinishReason));
    finalUsage = usageFromNative(final);
    if (options.includeUsage) output.push(chatUsageChunk(options, [finalUsage]));
    return output;
  }

  return {
    push: (native) => (native.done ? finish(native) : sentFinishReason === undefined ? translate(native) : []),
    finish,
    usage: () => finalUsage,
    finishReason: () => sentFinishReason,
  };
}

/** The closing usage chunk (`choices: []`) of a stream, combining every choice of an n>1 request. */
export function chatUsageChunk(identity: ChatStreamIdentity, usages: readonly CompletionUsage[]): ChatCompletionChunk {
  return {
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices: [],
    usage: combineChoiceUsage(usages),
  };
}

export function createChatCompletionId(): string {
  return createId(IdPrefix.chatCompletion);
}
