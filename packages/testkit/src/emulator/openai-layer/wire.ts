import type { Logprob, ToolCall } from '@corral/ollama';

export const SYSTEM_FINGERPRINT = 'fp_ollama';

/** `chatcmpl-N` / `cmpl-N` with N in 0..998, as Ollama's middleware makes them (not unique). */
export function completionId(prefix: 'chatcmpl' | 'cmpl'): string {
  return `${prefix}-${Math.floor(Math.random() * 999)}`;
}

export interface OpenAiToolCall {
  id: string;
  index: number;
  type: 'function';
  function: { name: string; arguments: string };
}

export function toOpenAiToolCalls(calls: readonly ToolCall[]): OpenAiToolCall[] {
  return calls.map((call, position) => ({
    id: call.id ?? '',
    index: call.function.index ?? position,
    type: 'function',
    function: { name: call.function.name, arguments: JSON.stringify(call.function.arguments ?? {}) },
  }));
}

export function toOpenAiLogprobs(logprobs: readonly Logprob[] | undefined): { content: Logprob[] } | undefined {
  return logprobs && logprobs.length > 0 ? { content: [...logprobs] } : undefined;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(promptTokens: number | undefined, completionTokens: number | undefined): Usage {
  const prompt = promptTokens ?? 0;
  const completion = completionTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The chat finish reason: `stop` with tool calls becomes `tool_calls`; others pass through. */
export function finishReason(doneReason: string | undefined, toolCallsSent: boolean): string {
  const reason = doneReason === undefined || doneReason === '' ? 'stop' : doneReason;
  return reason === 'stop' && toolCallsSent ? 'tool_calls' : reason;
}

export function sseFrame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';
