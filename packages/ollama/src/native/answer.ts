import type { ChatChunk, GenerateChunk, Logprob, ToolCall } from '../types.ts';

/**
 * A native chunk as the caller sees it: named by the model the caller asked for (an alias), as
 * Ollama echoes the model string it was sent. Unchanged — the same object — when the names agree,
 * so it is written exactly as the worker sent it.
 */
export function namedFor<Chunk extends { model?: unknown }>(chunk: Chunk, model: string): Chunk {
  return chunk.model === model ? chunk : { ...chunk, model };
}

const METRIC_KEYS = ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration'] as const;

function metricsOf(final: Record<string, unknown>): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const key of METRIC_KEYS) if (final[key] !== undefined) metrics[key] = final[key];
  return metrics;
}

/**
 * A streamed chat gathered into Ollama's non-streamed answer (its `writeChatResponse`): content and
 * thinking concatenated, logprobs concatenated, tool calls concatenated only when the request had
 * tools, done_reason and metrics from the final chunk. Field order is Go's struct order.
 */
export class ChatAnswer {
  private content = '';
  private thinking = '';
  private readonly toolCalls: ToolCall[] = [];
  private readonly logprobs: Logprob[] = [];

  private readonly model: string;
  private readonly keepToolCalls: boolean;

  // Plain fields, not parameter properties: the package also loads under Node's type stripping.
  constructor(model: string, keepToolCalls: boolean) {
    this.model = model;
    this.keepToolCalls = keepToolCalls;
  }

  push(chunk: Partial<ChatChunk>): void {
    const message = chunk.message;
    if (message) {
      if (typeof message.content === 'string') this.content += message.content;
      if (typeof message.thinking === 'string') this.thinking += message.thinking;
      if (Array.isArray(message.tool_calls)) this.toolCalls.push(...message.tool_calls);
    }
    if (Array.isArray(chunk.logprobs)) this.logprobs.push(...chunk.logprobs);
  }

  finish(final: Partial<ChatChunk>): Record<string, unknown> {
    this.push(final);
    const message: Record<string, unknown> = { role: final.message?.role ?? 'assistant', content: this.content };
    if (this.thinking) message.thinking = this.thinking;
    if (this.keepToolCalls && this.toolCalls.length > 0) message.tool_calls = this.toolCalls;
    return {
      model: this.model,
      created_at: final.created_at,
      message,
      done: true,
      ...(final.done_reason !== undefined ? { done_reason: final.done_reason } : {}),
      ...(this.logprobs.length > 0 ? { logprobs: this.logprobs } : {}),
      ...metricsOf(final as Record<string, unknown>),
    };
  }
}

/** A streamed generate gathered into Ollama's non-streamed answer: `response` and `thinking` concatenated, `context` and tool calls from the final chunk. */
export class GenerateAnswer {
  private response = '';
  private thinking = '';
  private readonly toolCalls: ToolCall[] = [];
  private readonly logprobs: Logprob[] = [];

  private readonly model: string;

  constructor(model: string) {
    this.model = model;
  }

  push(chunk: Partial<GenerateChunk>): void {
    if (typeof chunk.response === 'string') this.response += chunk.response;
    if (typeof chunk.thinking === 'string') this.thinking += chunk.thinking;
    if (Array.isArray(chunk.tool_calls)) this.toolCalls.push(...chunk.tool_calls);
    if (Array.isArray(chunk.logprobs)) this.logprobs.push(...chunk.logprobs);
  }

  finish(final: Partial<GenerateChunk>): Record<string, unknown> {
    this.push(final);
    return {
      model: this.model,
      created_at: final.created_at,
      response: this.response,
      ...(this.thinking ? { thinking: this.thinking } : {}),
      done: true,
      ...(final.done_reason !== undefined ? { done_reason: final.done_reason } : {}),
      ...(Array.isArray(final.context) ? { context: final.context } : {}),
      ...metricsOf(final as Record<string, unknown>),
      ...(this.toolCalls.length > 0 ? { tool_calls: this.toolCalls } : {}),
      ...(this.logprobs.length > 0 ? { logprobs: this.logprobs } : {}),
    };
  }
}

/** The legacy `/api/embeddings` answer from an `/api/embed` response: its one vector (none for an empty prompt). */
export function legacyEmbedding(embed: { embeddings?: unknown } | undefined): { embedding: number[] } {
  const embeddings = embed?.embeddings;
  const first = Array.isArray(embeddings) ? (embeddings[0] as unknown) : undefined;
  return { embedding: Array.isArray(first) ? (first as number[]) : [] };
}
