import type { DoneReason } from '@corral/ollama';

export const StopReason = {
  endTurn: 'end_turn',
  maxTokens: 'max_tokens',
  stopSequence: 'stop_sequence',
  toolUse: 'tool_use',
} as const;
export type StopReason = (typeof StopReason)[keyof typeof StopReason];

/**
 * Native `done_reason` → Anthropic `stop_reason`. A cut answer stays `max_tokens` even when it holds
 * a tool call (the caller must know it was cut). Ollama reports a matched stop sequence as `stop`,
 * the same as the end of the turn, and strips the sequence from the text: nothing in its answer says
 * which ended generation, so both are `end_turn` with `stop_sequence: null` (as Ollama's own
 * Anthropic layer answers) rather than a guess.
 */
export function stopReasonFromNative(doneReason: DoneReason | undefined, sawToolUse: boolean): StopReason {
  if (doneReason === 'length') return StopReason.maxTokens;
  return sawToolUse ? StopReason.toolUse : StopReason.endTurn;
}
