import type { FinishReason } from '../finish-reason.ts';
import type { ChatCompletionTokenLogprob } from '../logprobs.ts';
import type { CompletionUsage } from '../usage.ts';

/** The OpenAI response shapes Corral produces for /v1/chat/completions. */

export interface ChatCompletionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatCompletionToolCallDelta extends ChatCompletionToolCall {
  /** Position of the call within the choice; a new index starts a new call. */
  index: number;
}

export interface ChatCompletionLogprobs {
  content: ChatCompletionTokenLogprob[] | null;
  refusal: null;
}

export interface ChatCompletionDelta {
  role?: 'assistant';
  content?: string | null;
  /** Corral's reasoning field (not in OpenAI's schema; what DeepSeek-style clients read). */
  reasoning_content?: string;
  tool_calls?: ChatCompletionToolCallDelta[];
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionDelta;
  logprobs?: ChatCompletionLogprobs;
  finish_reason: FinishReason | null;
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: ChatCompletionChunkChoice[];
  usage?: CompletionUsage;
}

export interface ChatCompletionMessage {
  role: 'assistant';
  /** null when the answer is only tool calls, as OpenAI does. */
  content: string | null;
  refusal: null;
  reasoning_content?: string;
  tool_calls?: ChatCompletionToolCall[];
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  logprobs: ChatCompletionLogprobs | null;
  finish_reason: FinishReason;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: ChatCompletionChoice[];
  usage: CompletionUsage;
}
