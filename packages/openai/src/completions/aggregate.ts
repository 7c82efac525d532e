import type { GenerateChunk } from '@corral/ollama';
import type { CompletionLogprobs } from '../logprobs.ts';
import type { CompletionJob } from './to-canonical.ts';
import { combineCompletionUsage, createCompletionStreamTranslator, type CompletionStreamIdentity, type CompletionStreamTranslator } from './from-chunks.ts';
import type { Completion, CompletionChoice } from './wire-types.ts';

export interface CompletionAggregateOptions extends CompletionStreamIdentity {
  echo: boolean;
  logprobs: boolean;
}

interface ChoiceState {
  job: Pick<CompletionJob, 'choiceIndex' | 'promptIndex' | 'prompt'>;
  translator: CompletionStreamTranslator;
  text: string;
  logprobs: CompletionLogprobs | null;
  finishReason: CompletionChoice['finish_reason'];
}

export interface CompletionAggregator {
  push(choiceIndex: number, chunk: GenerateChunk): void;
  finish(choiceIndex: number, final: GenerateChunk): void;
  result(): Completion;
}

/** Folds every job's native chunks into one `text_completion` (non-streaming responses). */
export function createCompletionAggregator(
  options: CompletionAggregateOptions,
  jobs: ReadonlyArray<Pick<CompletionJob, 'choiceIndex' | 'promptIndex' | 'prompt'>>,
): CompletionAggregator {
  const states = new Map<number, ChoiceState>();
  for (const job of jobs) {
    const translator = createCompletionStreamTranslator({
      ...options,
      choiceIndex: job.choiceIndex,
      includeUsage: false,
      logprobs: options.logprobs,
      ...(options.echo ? { echoPrompt: job.prompt } : {}),
    });
    states.set(job.choiceIndex, { job, translator, text: '', logprobs: null, finishReason: null });
  }

  function stateOf(choiceIndex: number): ChoiceState {
    const state = states.get(choiceIndex);
    if (state === undefined) throw new RangeError(`no job for choice ${choiceIndex}`);
    return state;
  }

  function fold(state: ChoiceState, chunks: readonly Completion[]): void {
    for (const chunk of chunks) {
      for (const choice of chunk.choices) {
        state.text += choice.text;
        if (choice.finish_reason !== null) state.finishReason = choice.finish_reason;
        if (choice.logprobs !== null) {
          const target = (state.logprobs ??= { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] });
          target.tokens.push(...choice.logprobs.tokens);
          target.token_logprobs.push(...choice.logprobs.token_logprobs);
          target.top_logprobs.push(...choice.logprobs.top_logprobs);
          target.text_offset.push(...choice.logprobs.text_offset);
        }
      }
    }
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
      const ordered = [...states.values()].sort((left, right) => left.job.choiceIndex - right.job.choiceIndex);
      const unfinished = ordered.find((state) => state.translator.usage() === undefined);
      if (unfinished !== undefined) throw new Error(`choice ${unfinished.job.choiceIndex} has not finished`);
      const empty: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
      return {
        id: options.id,
        object: 'text_completion',
        created: options.created,
        model: options.model,
        choices: ordered.map((state) => ({
          text: state.text,
          index: state.job.choiceIndex,
          logprobs: options.logprobs ? (state.logprobs ?? empty) : null,
          finish_reason: state.finishReason ?? 'stop',
        })),
        usage: combineCompletionUsage(
          ordered.map((state) => ({ promptIndex: state.job.promptIndex, usage: state.translator.usage() ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } })),
        ),
      };
    },
  };
}

/** Convenience: the whole native chunk sequence of each job, in `jobs` order. */
export function aggregateCompletion(
  options: CompletionAggregateOptions,
  jobs: ReadonlyArray<Pick<CompletionJob, 'choiceIndex' | 'promptIndex' | 'prompt'>>,
  chunksByJob: readonly (readonly GenerateChunk[])[],
): Completion {
  const aggregator = createCompletionAggregator(options, jobs);
  for (const [position, job] of jobs.entries()) {
    const chunks = chunksByJob[position] ?? [];
    const final = chunks.at(-1);
    if (final === undefined) throw new RangeError(`job ${position} has no chunks`);
    for (const chunk of chunks.slice(0, -1)) aggregator.push(job.choiceIndex, chunk);
    aggregator.finish(job.choiceIndex, final);
  }
  return aggregator.result();
}
