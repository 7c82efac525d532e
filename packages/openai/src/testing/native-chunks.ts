import type { ChatChunk, GenerateChunk, Logprob, Message, ToolCall } from '@corral/ollama';

/** Recorded-style native chunks (shapes from the Ollama reference §1.4, §1.5, §1.7). */

const createdAt = '2026-08-21T10:00:00.123456Z';

export function chatChunk(message: Partial<Message>, extra: Partial<ChatChunk> = {}): ChatChunk {
  return { model: 'qwen3', created_at: createdAt, message: { role: 'assistant', content: '', ...message }, done: false, ...extra };
}

export function finalChatChunk(extra: Partial<ChatChunk> = {}, message: Partial<Message> = {}): ChatChunk {
  return chatChunk(message, {
    done: true,
    done_reason: 'stop',
    total_duration: 4883583458,
    load_duration: 1334875,
    prompt_eval_count: 26,
    prompt_eval_duration: 342546000,
    eval_count: 282,
    eval_duration: 4535599000,
    ...extra,
  });
}

export function toolCall(name: string, args: Record<string, unknown>, id?: string, index = 0): ToolCall {
  return { ...(id === undefined ? {} : { id }), function: { index, name, arguments: args } };
}

export function logprob(token: string, value: number, top: Array<[string, number]> = []): Logprob {
  return {
    token,
    logprob: value,
    bytes: [...new TextEncoder().encode(token)],
    ...(top.length > 0 ? { top_logprobs: top.map(([topToken, topValue]) => ({ token: topToken, logprob: topValue })) } : {}),
  };
}

export function generateChunk(response: string, extra: Partial<GenerateChunk> = {}): GenerateChunk {
  return { model: 'llama3.2', created_at: createdAt, response, done: false, ...extra };
}

export function finalGenerateChunk(extra: Partial<GenerateChunk> = {}): GenerateChunk {
  return generateChunk('', {
    done: true,
    done_reason: 'stop',
    context: [1, 2, 3],
    total_duration: 10706818083,
    load_duration: 6338219291,
    prompt_eval_count: 26,
    prompt_eval_duration: 130079000,
    eval_count: 259,
    eval_duration: 4232710000,
    ...extra,
  });
}
