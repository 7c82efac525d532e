import type { Usage } from '@corral/protocol';

type NativeMetrics = Record<string, unknown>;

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

function duration(value: unknown): number | undefined {
  return typeof value === 'number' && value >= 0 ? value : undefined;
}

/** Usage from Ollama's final chunk (or embed response); counters absent there are zero. */
export function usageFromNative(data: NativeMetrics, { completion = true } = {}): Usage {
  const usage: Usage = {
    promptTokens: count(data.prompt_eval_count),
    completionTokens: completion ? count(data.eval_count) : 0,
  };
  const totalDurationNs = duration(data.total_duration);
  const loadDurationNs = duration(data.load_duration);
  const promptEvalDurationNs = duration(data.prompt_eval_duration);
  const evalDurationNs = duration(data.eval_duration);
  if (totalDurationNs !== undefined) usage.totalDurationNs = totalDurationNs;
  if (loadDurationNs !== undefined) usage.loadDurationNs = loadDurationNs;
  if (promptEvalDurationNs !== undefined) usage.promptEvalDurationNs = promptEvalDurationNs;
  if (evalDurationNs !== undefined) usage.evalDurationNs = evalDurationNs;
  return usage;
}
