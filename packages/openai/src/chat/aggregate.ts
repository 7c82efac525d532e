import type { ChatChunk } from '@corral/ollama';
import { FinishReason } from '../finish-reason.ts';
import type { ChatCompletionTokenLogprob } from '../logprobs.ts';
import { combineChoiceUsage, type CompletionUsage } from '../usage.ts';
import { createChatStreamTranslator, type ChatStreamOptions } from './from-chunks.ts';
import type { ChatCompletion, ChatCompletionChoice, ChatCompletionChunk, ChatCompletionToolCall } from './wire-types.ts';

export type ChatAggregateOptions = Omit<ChatStreamOptions, 'includeUsage' | 'choiceIndex'>;

export interface ChatCompletionAggregator {
  push(choiceIndex: number, chunk: ChatChunk): void;
  finish(choiceIndex: number, final: ChatChunk): void;
  /** The `chat.completion` once every choice has finished. */
  result(): ChatCompletion;
}

interface ChoiceState {
  translator: ReturnType<typeof createChatStreamTranslator>;
  content: string;
  sawContent: boolean;
  reasoning: string;
  toolCalls: ChatCompletionToolCall[];
  logprobs: ChatCompletionTokenLogprob[] | undefined;
}

/**
 * Non-streaming responses are folded from the same translator the streams use, so both paths
 * agree on every detail (reasoning, forced tool calls, finish reasons).
 */
export function createChatCompletionAggregator(options: ChatAggregateOptions, choices: number): ChatCompletionAggregator {
  const states: ChoiceState[] = Array.from({ length: choices }, (_, choiceIndex) => ({
    translator: createChatStreamTranslator({ ...options, includeUsage: false, choiceIndex }),
    content: '',
    sawContent: false,
    reasoning: '',
    toolCalls: [],
    logprobs: undefined,
  }));

  function stateOf(choiceIndex: number): ChoiceState {
    const state = states[choiceIndex];
    if (state === undefined) throw new RangeError(`choice ${choiceIndex} is outside 0..${choices - 1}`);
    return state;
  }

  function fold(state: ChoiceState, chunks: readonly ChatCompletionChunk[]): void {
    for (const chunk of chunks) {
      for (const choice of chunk.choices) {
        const { delta } = choice;
        if (typeof delta.content === 'string' && delta.content !== '') {
          state.content += delta.content;
          state.sawContent = true;
        }
        if (delta.reasoning_content !== undefined) state.reasoning += delta.reasoning_content;
        for (const call of delta.tool_calls ?? []) state.toolCalls.push({ id: call.id, type: call.type, function: call.function });
        if (choice.logprobs?.content != null) (state.logprobs ??= []).push(...choice.logprobs.content);
      }
    }
  }

  function choiceOf(state: ChoiceState, index: number): ChatCompletionChoice {
    const toolCalls = state.toolCalls.length > 0;
    const choice: ChatCompletionChoice = {
      index,
      message: {
        role: 'assistant',
        content: state.sawContent ? state.content : toolCalls ? null : '',
        refusal: null,
      },
      logprobs: state.logprobs === undefined ? null : { content: state.logprobs, refusal: null },
      finish_reason: state.translator.finishReason() ?? FinishReason.stop,
    };
    if (state.reasoning !== '') choice.message.reasoning_content = state.reasoning;
    if (toolCalls) choice.message.tool_calls = state.toolCalls;
    return choice;
  }

  return {
    push: (choiceIndex, chunk) => {
      const state = stateOf(choiceIndex);
      fold(state, state.translator.push(chunk));
    },
    finish: (choiceIndex, final) => {
      const state = stateOf(choiceIndex);
      fold(state, state.translator.finish(final));
    },
    result: () => {
      const unfinished = states.findIndex((state) => state.translator.usage() === undefined);
      if (unfinished !== -1) throw new Error(`choice ${unfinished} has not finished`);
      const usages = states.map((state) => state.translator.usage() as CompletionUsage);
      return {
        id: options.id,
        object: 'chat.completion',
        created: options.created,
        model: options.model,
        choices: states.map(choiceOf),
        usage: combineChoiceUsage(usages),
      };
    },
  };
}

/**
 * Builds a `chat.completion` from the complete native chunk sequence of each choice
 * (`chunksByChoice[i]` ends with that job's `done` chunk).
 */
export function aggregateChatCompletion(options: ChatAggregateOptions, chunksByChoice: readonly (readonly ChatChunk[])[]): ChatCompletion {
  const aggregator = createChatCompletionAggregator(options, chunksByChoice.length);
  for (const [choiceIndex, chunks] of chunksByChoice.entries()) {
    const final = chunks.at(-1);
    if (final === undefined) throw new RangeError(`choice ${choiceIndex} has no chunks`);
    for (const chunk of chunks.slice(0, -1)) aggregator.push(choiceIndex, chunk);
    aggregator.finish(choiceIndex, final);
  }
  return aggregator.result();
}
