import { usageFromDone, type Metrics } from '@corral/ollama';

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** OpenAI's usage of a final native chunk, read by the one native reading (`usageFromDone`). */
export function usageFromNative(final: Metrics): CompletionUsage {
  const { promptTokens, completionTokens } = usageFromDone(final);
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/**
 * Usage of an n>1 request, with OpenAI's meaning: the prompt is counted once (every job saw
 * the same prompt, so the largest count is that prompt), completions are summed.
 */
export function combineChoiceUsage(usages: readonly CompletionUsage[]): CompletionUsage {
  const prompt = usages.reduce((largest, usage) => Math.max(largest, usage.prompt_tokens), 0);
  const completion = usages.reduce((sum, usage) => sum + usage.completion_tokens, 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Several prompts (legacy completions, embeddings split across workers): everything adds up. */
export function sumUsage(usages: readonly CompletionUsage[]): CompletionUsage {
  const prompt = usages.reduce((sum, usage) => sum + usage.prompt_tokens, 0);
  const completion = usages.reduce((sum, usage) => sum + usage.completion_tokens, 0);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
