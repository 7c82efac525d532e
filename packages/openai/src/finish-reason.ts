import type { DoneReason } from '@corral/ollama';

export const FinishReason = {
  stop: 'stop',
  length: 'length',
  toolCalls: 'tool_calls',
  contentFilter: 'content_filter',
} as const;
export type FinishReason = (typeof FinishReason)[keyof typeof FinishReason];

/**
 * Native `done_reason` → OpenAI `finish_reason`. A truncated answer stays `length` even when it
 * holds tool calls (the caller must know it was cut); Ollama's `load`/`unload`/unknown reasons
 * are not in OpenAI's enum and become `stop`.
 */
export function finishReasonFromNative(doneReason: DoneReason | undefined, sawToolCall: boolean): FinishReason {
  if (doneReason === 'length') return FinishReason.length;
  return sawToolCall ? FinishReason.toolCalls : FinishReason.stop;
}

/** The legacy completions enum has no tool_calls. */
export function completionFinishReasonFromNative(doneReason: DoneReason | undefined): 'stop' | 'length' {
  return doneReason === 'length' ? 'length' : 'stop';
}
