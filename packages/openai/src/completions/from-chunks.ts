import type { GenerateChunk } from '@corral/ollama';
import { completionFinishReasonFromNative } from '../finish-reason.ts';
import { createId, IdPrefix } from '../ids.ts';
import { appendCompletionLogprobs, emptyCompletionLogprobs, type CompletionLogprobs } from '../logprobs.ts';
import { usageFromNative, type CompletionUsage } from '../usage.ts';
import type { Completion, CompletionChoice } from './wire-types.ts';

export interface CompletionStreamIdentity {
  id: string;
  model: string;
  created: number;
}

export interface CompletionStreamOptions extends CompletionStreamIdentity {
  choiceIndex?: number;
  /** Emit the usage chunk (single-job streams; see `completionUsageChunk`). */
  includeUsage: boolean;
  /** `echo: true`: the prompt, sent first as part of the text. */
  echoPrompt?: string;
  logprobs: boolean;
}

export interface CompletionStreamTranslator {
  push(chunk: GenerateChunk): Completion[];
  finish(final: GenerateChunk): Completion[];
  usage(): CompletionUsage | undefined;
}

/** Native generate chunks → streamed `text_completion` chunks of one choice. */
export function createCompletionStreamTranslator(options: CompletionStreamOptions): CompletionStreamTranslator {
  const choiceIndex = options.choiceIndex ?? 0;
  let echoPending = options.echoPrompt !== undefined && options.echoPrompt !== '';
  let textOffset = options.echoPrompt?.length ?? 0;
  let finalUsage: CompletionUsage | undefined;

  function chunk(text: string, finishReason: CompletionChoice['finish_reason'], logprobs: CompletionLogprobs | null = null): Completion {
    return {
      id: options.id,
      object: 'text_completion',
      created: options.created,
      model: options.model,
      choices: [{ text, index: choiceIndex, logprobs, finish_reason: finishReason }],
    };
  }

  function translate(native: GenerateChunk): Completion[] {
    const output: Completion[] = [];
    if (echoPending) {
      output.push(chunk(options.echoPrompt ?? '', null));
      echoPending = false;
    }
    // Reasoning (`thinking`) has no place in a text completion and is not returned.
    let logprobs: CompletionLogprobs | null = null;
    if (options.logprobs && native.logprobs !== undefined && native.logprobs.length > 0) {
      logprobs = emptyCompletionLogprobs();
      textOffset = appendCompletionLogprobs(logprobs, native.logprobs, textOffset);
    }
    if (native.response !== '' || logprobs !== null) output.push(chunk(native.response, null, logprobs));
    return output;
  }

  function finish(final: GenerateChunk): Completion[] {
    if (finalUsage !== undefined) return [];
    const output = translate(final);
    output.push(chunk('', completionFinishReasonFromNative(final.done_reason)));
    finalUsage = usageFromNative(final);
    if (options.includeUsage) output.push(completionUsageChunk(options, [{ promptIndex: 0, usage: finalUsage }]));
    return output;
  }

  return {
    push: (native) => (native.done ? finish(native) : finalUsage === undefined ? translate(native) : []),
    finish,
    usage: () => finalUsage,
  };
}

export interface JobUsage {
  promptIndex: number;
  usage: CompletionUsage;
}

/** Each distinct prompt counts once (its samples share it); every completion counts. */
export function combineCompletionUsage(usages: readonly JobUsage[]): CompletionUsage {
  const promptTokens = new Map<number, number>();
  let completion = 0;
  for (const { promptIndex, usage } of usages) {
    promptTokens.set(promptIndex, Math.max(promptTokens.get(promptIndex) ?? 0, usage.prompt_tokens));
    completion += usage.completion_tokens;
  }
  const prompt = [...promptTokens.values()].reduce((sum, tokens) => sum + tokens, 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The closing usage chunk (`choices: []`) of a completions stream. */
export function completionUsageChunk(identity: CompletionStreamIdentity, usages: readonly JobUsage[]): Completion {
  return { id: identity.id, object: 'text_completion', created: identity.created, model: identity.model, choices: [], usage: combineCompletionUsage(usages) };
}

export function createCompletionId(): string {
  return createId(IdPrefix.completion);
}
