import type { ChatRequest, Format, GenerateRequest, Message, ToolCall } from '@corral/ollama';
import { hashString, Random } from './prng.ts';
import { parseModelName } from './model-name.ts';
import { sampleFromSchema } from './schema-sample.ts';
import { buildToolCalls } from './tool-calls.ts';
import { THINKING_VOCABULARY, VOCABULARY } from './vocabulary.ts';

/** What the emulated model will produce before limits (num_predict, stop) apply. */
export interface ReplyPlan {
  /** Reasoning tokens, in order (empty unless thinking is on). */
  thinking: string[];
  /** Content tokens, in order; their concatenation is the reply text. */
  content: string[];
  /** Tool calls, emitted whole in one chunk after the thinking. */
  toolCalls: ToolCall[];
}

export interface ReplySettings {
  tokensPerReply: number;
  /** Whether the model thinks (capability `thinking` and `think` not false). */
  thinking: boolean;
}

/** Thinking tokens emitted before the content: half the reply, at least one. */
export function thinkingTokenCount(tokensPerReply: number): number {
  return Math.max(1, Math.ceil(tokensPerReply / 2));
}

/** The text a chat request's reply depends on: `role: content` lines, then the tool names. */
export function renderChatPrompt(request: Pick<ChatRequest, 'messages' | 'tools'>): string {
  let text = '';
  for (const message of request.messages ?? []) text += `${message.role}: ${message.content ?? ''}\n`;
  if (request.tools && request.tools.length > 0) {
    text += `tools: ${request.tools.map((tool) => tool.function?.name).join(',')}\n`;
  }
  return text;
}

/** The text a generate request's reply depends on. */
export function renderGeneratePrompt(request: Pick<GenerateRequest, 'system' | 'prompt' | 'suffix'>): string {
  return `${request.system ?? ''}\n${request.prompt ?? ''}\n${request.suffix ?? ''}`;
}

function seedOf(model: string, prompt: string, seed: unknown): number {
  const modelKey = parseModelName(model)?.key ?? model;
  return hashString(`${modelKey}\u0000${typeof seed === 'number' ? seed : -1}\u0000${prompt}`);
}

/** Words as tokens: the first bare, the others with a leading space. */
function wordTokens(random: Random, words: readonly string[], count: number): string[] {
  const tokens: string[] = [];
  for (let index = 0; index < count; index++) {
    const word = random.pick(words);
    tokens.push(index === 0 ? word : ` ${word}`);
  }
  return tokens;
}

/** Splits JSON text into token-like pieces (structural characters, words with their leading space). */
export function jsonPieces(text: string): string[] {
  return text.match(/\s*(?:[{}[\]:,"]|[^\s{}[\]:,"]+)/g) ?? [];
}

function formattedContent(format: Format, words: string[], random: Random): string[] {
  const value = format === 'json' ? { answer: words.join('') } : sampleFromSchema(format, random);
  return jsonPieces(JSON.stringify(value));
}

interface PlanInput {
  model: string;
  prompt: string;
  seed: unknown;
  format: Format | undefined;
  /** Set when the model answers with tool calls. */
  toolCall?: { request: Pick<ChatRequest, 'tools'>; userText: string };
}

function plan(input: PlanInput, settings: ReplySettings): ReplyPlan {
  const seed = seedOf(input.model, input.prompt, input.seed);
  const thinking = settings.thinking
    ? wordTokens(new Random(seed ^ 0x5bd1e995), THINKING_VOCABULARY, thinkingTokenCount(settings.tokensPerReply))
    : [];
  if (input.toolCall) {
    const calls = buildToolCalls(input.toolCall.request.tools ?? [], input.toolCall.userText, new Random(seed ^ 0x27d4eb2d));
    return { thinking, content: [], toolCalls: calls };
  }
  const random = new Random(seed);
  const words = wordTokens(random, VOCABULARY, settings.tokensPerReply);
  const content = input.format === undefined ? words : formattedContent(input.format, words, random);
  return { thinking, content, toolCalls: [] };
}

function lastMessage(messages: readonly Message[] | undefined): Message | undefined {
  return messages?.[messages.length - 1];
}

/** True when the emulated model answers this chat request with tool calls. */
export function callsTools(request: Pick<ChatRequest, 'messages' | 'tools'>): boolean {
  return (request.tools?.length ?? 0) > 0 && lastMessage(request.messages)?.role === 'user';
}

function usableFormat(format: unknown): Format | undefined {
  if (format === 'json') return 'json';
  if (typeof format === 'object' && format !== null && !Array.isArray(format)) return format as Format;
  return undefined;
}

/**
 * The deterministic reply to a chat request: a function of the model, renderChatPrompt(request) and
 * options.seed. Tools + a last user message ⇒ tool calls; otherwise text (or JSON when `format` is set).
 */
export function planChatReply(request: ChatRequest, settings: ReplySettings): ReplyPlan {
  const prompt = renderChatPrompt(request);
  const last = lastMessage(request.messages);
  return plan(
    {
      model: request.model,
      prompt,
      seed: request.options?.seed,
      format: usableFormat(request.format),
      ...(callsTools(request) ? { toolCall: { request, userText: last?.content ?? '' } } : {}),
    },
    settings,
  );
}

/** The deterministic reply to a generate request (function of model, renderGeneratePrompt and seed). */
export function planGenerateReply(request: GenerateRequest, settings: ReplySettings): ReplyPlan {
  return plan(
    {
      model: request.model,
      prompt: renderGeneratePrompt(request),
      seed: request.options?.seed,
      format: usableFormat(request.format),
    },
    settings,
  );
}
