import type { ChatChunk, Message } from '@corral/ollama';
import type { ChunkShape, CompletionJob } from './completion.ts';
import type { EmulatorContext } from './context.ts';
import { checkTopLogprobs, decodeChatRequest } from './decode.ts';
import { ErrorText, notFound, OllamaError } from './errors.ts';
import { planChatReply } from './generation.ts';
import { parseModelName } from './model-name.ts';
import { Capability, hasCapability } from './models.ts';
import type { Emission } from './pump.ts';
import { countChatPromptTokens } from './tokens.ts';

function chatShape(model: string, collectToolCalls: boolean): ChunkShape {
  return {
    partial(emission: Emission, createdAt: string): ChatChunk {
      const message: Message = { role: 'assistant', content: emission.content ?? '' };
      if (emission.thinking) message.thinking = emission.thinking;
      if (emission.toolCalls) message.tool_calls = emission.toolCalls;
      const chunk: ChatChunk = { model, created_at: createdAt, message, done: false };
      if (emission.logprobs) chunk.logprobs = emission.logprobs;
      return chunk;
    },
    shortcut(reason, createdAt): ChatChunk {
      return { model, created_at: createdAt, message: { role: 'assistant', content: '' }, done: true, done_reason: reason };
    },
    final(aggregate, doneReason, metrics, createdAt): ChatChunk {
      const message: Message = { role: 'assistant', content: aggregate.content };
      if (aggregate.thinking) message.thinking = aggregate.thinking;
      if (collectToolCalls && aggregate.toolCalls.length > 0) message.tool_calls = aggregate.toolCalls;
      const chunk: ChatChunk = { model, created_at: createdAt, message, done: true, done_reason: doneReason };
      if (aggregate.logprobs.length > 0) chunk.logprobs = aggregate.logprobs;
      return Object.assign(chunk, metrics);
    },
  };
}

/** Decodes and resolves a /api/chat body (ChatHandler's checks, in its order). */
export function prepareChat(context: EmulatorContext, body: unknown): CompletionJob {
  const { request, keepAliveMs } = decodeChatRequest(body);
  checkTopLogprobs(request.top_logprobs);
  if (request.model === '') throw new OllamaError(400, ErrorText.modelRequired);
  const name = parseModelName(request.model);
  if (!name) throw new OllamaError(400, ErrorText.invalidModelName);
  const model = context.catalog.find(name);
  if (!model) throw notFound(request.model);
  const hasTools = (request.tools?.length ?? 0) > 0;
  return {
    requestModel: request.model,
    model,
    keepAliveMs,
    options: request.options,
    stream: request.stream !== false,
    empty: request.messages.length === 0,
    think: request.think,
    format: request.format,
    logprobs: request.logprobs === true,
    topLogprobs: request.top_logprobs ?? 0,
    promptTokens: countChatPromptTokens(request),
    checkRequest() {
      if (!hasCapability(model, Capability.completion)) {
        throw new OllamaError(400, `${JSON.stringify(request.model)} does not support chat`);
      }
      if (hasTools && !hasCapability(model, Capability.tools)) {
        throw new OllamaError(400, `${name.full} does not support tools`);
      }
    },
    plan: (settings) => planChatReply(request, settings),
    shape: chatShape(request.model, hasTools),
  };
}
