import type { CompletionUsage } from '@corral/openai';
import type { EventStream } from '../../pipeline/dialect.ts';
import { openAIErrorBody } from './errors.ts';

/** One choice's stream translator from @corral/openai (chat or completions). */
export interface ChoiceTranslator<Chunk> {
  push(chunk: Chunk): readonly unknown[];
  finish(final: Chunk): readonly unknown[];
  usage(): CompletionUsage | undefined;
}

/**
 * The chat and completions streams: every part through its own choice's translator. Each part's
 * usage is handed to `onUsage` as it finishes, for the summed usage chunk `close` may add.
 */
export function choiceEventStream<Chunk>(
  translators: readonly ChoiceTranslator<Chunk>[],
  onUsage: (part: number, usage: CompletionUsage) => void,
  close: () => readonly unknown[],
): EventStream<Chunk> {
  return {
    push: (part, chunk) => translators[part]!.push(chunk),
    finish(part, chunk) {
      const events = translators[part]!.finish(chunk);
      const usage = translators[part]!.usage();
      if (usage) onUsage(part, usage);
      return events;
    },
    close,
    // OpenAI's SDKs raise an error for a data frame carrying `error`; no [DONE] follows.
    fail: (error) => [openAIErrorBody(error)],
  };
}
