import type { ChatRequest, GenerateRequest, Message, Tool, ToolCall } from '@corral/ollama';

/** Prompt tokens each attached image costs (a vision projector emits a fixed number of embeddings). */
export const IMAGE_PROMPT_TOKENS = 768;

/** Tokens a message costs beyond its text: its role marker. */
export const MESSAGE_OVERHEAD_TOKENS = 1;

const tokenPattern = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/** The emulator's tokenizer: each run of letters/digits/underscore is one token, each other non-space character is one. */
export function countTextTokens(text: string | undefined): number {
  if (text === undefined || text.length === 0) return 0;
  let count = 0;
  tokenPattern.lastIndex = 0;
  while (tokenPattern.exec(text) !== null) count++;
  return count;
}

/** Tokens a tool call costs, in a prompt (history) or as generated output. */
export function countToolCallTokens(call: ToolCall): number {
  return countTextTokens(call.function.name) + countTextTokens(JSON.stringify(call.function.arguments ?? {}));
}

function messageTokens(message: Message): number {
  let total = MESSAGE_OVERHEAD_TOKENS + countTextTokens(message.content) + countTextTokens(message.thinking);
  total += (message.images?.length ?? 0) * IMAGE_PROMPT_TOKENS;
  for (const call of message.tool_calls ?? []) total += countToolCallTokens(call);
  return total;
}

function toolTokens(tools: readonly Tool[] | undefined): number {
  let total = 0;
  for (const tool of tools ?? []) total += countTextTokens(JSON.stringify(tool));
  return total;
}

/**
 * prompt_eval_count of /api/chat: for each message, 1 (role) + tokens of content + tokens of thinking +
 * IMAGE_PROMPT_TOKENS per image + tokens of each tool call (name + JSON arguments); plus the tokens of
 * the JSON of every tool definition.
 */
export function countChatPromptTokens(request: Pick<ChatRequest, 'messages' | 'tools'>): number {
  let total = toolTokens(request.tools);
  for (const message of request.messages ?? []) total += messageTokens(message);
  return total;
}

/** prompt_eval_count of /api/generate: tokens of system + prompt + suffix, plus IMAGE_PROMPT_TOKENS per image. */
export function countGeneratePromptTokens(
  request: Pick<GenerateRequest, 'system' | 'prompt' | 'suffix' | 'images'>,
): number {
  return (
    countTextTokens(request.system) +
    countTextTokens(request.prompt) +
    countTextTokens(request.suffix) +
    (request.images?.length ?? 0) * IMAGE_PROMPT_TOKENS
  );
}
