import type { Metrics } from '@corral/ollama';

/** Milliseconds (performance.now) → integer nanoseconds. */
export function nanoseconds(milliseconds: number): number {
  return Math.max(0, Math.round(milliseconds * 1e6));
}

/** performance.now() checkpoints of one request. */
export interface Timings {
  startedAt: number;
  /** Runner acquired (after any load): end of load_duration. */
  runnerAt: number;
  /** Parallel slot acquired: start of prompt evaluation. */
  slotAt: number;
  /** Prompt evaluated: start of generation. */
  evalStartAt: number;
  endedAt: number;
  promptEvalCount: number;
  evalCount: number;
}

/** The six metrics in Go field order; zero values are omitted (`omitempty`). Slot wait shows only in total_duration. */
export function metricsOf(timings: Timings): Metrics {
  const metrics: Metrics = {};
  const put = (key: keyof Metrics, value: number): void => {
    if (value > 0) metrics[key] = value;
  };
  put('total_duration', nanoseconds(timings.endedAt - timings.startedAt));
  put('load_duration', nanoseconds(timings.runnerAt - timings.startedAt));
  put('prompt_eval_count', timings.promptEvalCount);
  put('prompt_eval_duration', timings.promptEvalCount > 0 ? nanoseconds(timings.evalStartAt - timings.slotAt) : 0);
  put('eval_count', timings.evalCount);
  put('eval_duration', timings.evalCount > 0 ? nanoseconds(timings.endedAt - timings.evalStartAt) : 0);
  return metrics;
}
