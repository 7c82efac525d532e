import { z } from 'zod';

/** A token counter; Ollama omits zeros, and what is not a count is not trusted: both read as zero. */
const count = z.number().int().nonnegative().catch(0);
/** A duration in nanoseconds; what is not one is left out. */
const duration = z.number().nonnegative().optional().catch(undefined);

/** The counters and timings of Ollama's done line (and of an /api/embed answer). */
export const DoneMetrics = z.object({
  prompt_eval_count: count,
  eval_count: count,
  total_duration: duration,
  load_duration: duration,
  prompt_eval_duration: duration,
  eval_duration: duration,
});
export type DoneMetrics = z.infer<typeof DoneMetrics>;

/** What a request cost, read from the done line: tokens, and Ollama's timings when it gave them. */
export interface NativeUsage {
  promptTokens: number;
  completionTokens: number;
  totalDurationNs?: number;
  loadDurationNs?: number;
  promptEvalDurationNs?: number;
  evalDurationNs?: number;
}

/**
 * Usage from Ollama's final chunk (or embed response). `completion: false` for embeddings, whose
 * `eval_count` (if any) is not generated text.
 */
export function usageFromDone(done: object, { completion = true } = {}): NativeUsage {
  const parsed = DoneMetrics.safeParse(done);
  // Only a non-object (an array) fails, every field having a fallback.
  if (!parsed.success) return { promptTokens: 0, completionTokens: 0 };
  const metrics = parsed.data;
  const usage: NativeUsage = {
    promptTokens: metrics.prompt_eval_count,
    completionTokens: completion ? metrics.eval_count : 0,
  };
  if (metrics.total_duration !== undefined) usage.totalDurationNs = metrics.total_duration;
  if (metrics.load_duration !== undefined) usage.loadDurationNs = metrics.load_duration;
  if (metrics.prompt_eval_duration !== undefined) usage.promptEvalDurationNs = metrics.prompt_eval_duration;
  if (metrics.eval_duration !== undefined) usage.evalDurationNs = metrics.eval_duration;
  return usage;
}
