import type { ChatChunk } from '@corral/ollama';
import {
  chatToNative,
  chatUsageChunk,
  collectImageUrls,
  createChatCompletionAggregator,
  createChatCompletionId,
  createChatStreamTranslator,
  nativeForChoice,
  parseChatRequest,
  sseData,
  sseFrames,
  SSE_DONE,
  type ChatCompletionRequest,
  type ChatStreamTranslator,
  type CompletionUsage,
} from '@corral/openai';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { fromOpenAIError } from '../../http/openai-error.ts';
import { SseWriter } from '../../http/sse-writer.ts';
import { forEachChoiceEvent, isChatTokenChunk, streamChoices } from '../../pipeline/choice-events.ts';
import { FanOut } from '../../pipeline/fan-out.ts';
import { fanOutBytesRefusal, fanOutLimits, jobCountRefusal } from '../../pipeline/fan-out-limits.ts';
import { fetchImages, imagePolicy } from '../../pipeline/images.ts';
import { beginRequest } from '../../pipeline/exchange.ts';
import { jobSpec } from '../../pipeline/job-spec.ts';

const ENDPOINT = '/v1/chat/completions';

/**
 * Where each image URL first appears (`messages[i].content[j].image_url`), so a refused download
 * names the exact content part, as the translation's own image errors do.
 */
function imageUrlParams(chat: ChatCompletionRequest): Map<string, string> {
  const params = new Map<string, string>();
  for (const [messageIndex, message] of chat.messages.entries()) {
    if (message.role !== 'user' || typeof message.content === 'string') continue;
    for (const [partIndex, part] of message.content.entries()) {
      if (part.type !== 'image_url') continue;
      const url = typeof part.image_url === 'string' ? part.image_url : part.image_url.url;
      if (!params.has(url)) params.set(url, `messages[${messageIndex}].content[${partIndex}].image_url`);
    }
  }
  return params;
}

export function registerChatCompletionsRoute(app: FastifyInstance, context: EdgeContext): void {
  app.post(ENDPOINT, (request, reply) => handleChatCompletion(context, request, reply));
}

async function handleChatCompletion(context: EdgeContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const exchange = beginRequest(context, request, reply, ENDPOINT);
  const signal = exchange.clientGone;
  try {
    exchange.authenticate();
    const parsed = parseChatRequest(request.body);
    if (!parsed.ok) throw fromOpenAIError(parsed.error);
    const chat = parsed.value;
    const limits = fanOutLimits(context.config);
    const tooManyChoices = jobCountRefusal({ prompts: 1, samples: chat.n ?? 1 }, limits);
    if (tooManyChoices) throw fromOpenAIError(tooManyChoices);
    const target = exchange.resolveModel(chat.model);
    exchange.scope.stream = chat.stream === true;

    const imageUrls = collectImageUrls(chat);
    let resolvedImages: Map<string, string> | undefined;
    if (imageUrls.length > 0) {
      const params = imageUrlParams(chat);
      resolvedImages = await fetchImages(imageUrls, imagePolicy(context.config), (url) => params.get(url) ?? 'messages');
    }
    const translated = chatToNative(chat, { model: target.model, ...(target.overrides ? { overrides: target.overrides } : {}), ...(resolvedImages ? { resolvedImages } : {}) });
    if (!translated.ok) throw fromOpenAIError(translated.error);
    const translation = translated.value;
    // Measured after translation: images fetched from URLs travel in every choice's copy too.
    const tooLarge = translation.choices > 1 ? fanOutBytesRefusal(JSON.stringify(translation.native).length * translation.choices, translation.choices, limits) : undefined;
    if (tooLarge) throw fromOpenAIError(tooLarge);
    if (signal.aborted) {
      exchange.cancel();
      return reply;
    }

    const fanOut = new FanOut(
      context.dispatcher,
      Array.from({ length: translation.choices }, (_, index) => jobSpec(exchange, target, 'chat', nativeForChoice(translation.native, index), index)),
    );
    signal.addEventListener('abort', () => fanOut.cancel('client disconnected'), { once: true });

    const identity = { id: createChatCompletionId(), model: chat.model, created: Math.floor(Date.now() / 1000) };
    const streamOptions = {
      ...identity,
      excludeReasoning: translation.excludeReasoning,
      toolMode: translation.toolMode,
      ...(translation.forcedToolNames ? { forcedToolNames: translation.forcedToolNames } : {}),
      parallelToolCalls: translation.parallelToolCalls,
    };

    if (!translation.stream) {
      const aggregator = createChatCompletionAggregator(streamOptions, translation.choices);
      await forEachChoiceEvent<ChatChunk>(exchange, fanOut, isChatTokenChunk, (choice, chunk, final) => {
        if (final) aggregator.finish(choice, chunk);
        else aggregator.push(choice, chunk);
      });
      exchange.scope.markFirstToken();
      exchange.succeed(200);
      return reply.type('application/json; charset=utf-8').send(aggregator.result());
    }

    const singleChoice = translation.choices === 1;
    const translators: ChatStreamTranslator[] = Array.from({ length: translation.choices }, (_, choiceIndex) =>
      createChatStreamTranslator({ ...streamOptions, includeUsage: translation.includeUsage && singleChoice, choiceIndex }),
    );
    const writer = new SseWriter(reply.raw, { 'x-request-id': exchange.scope.requestId }, () => reply.hijack());
    const usages: CompletionUsage[] = [];
    try {
      await streamChoices(exchange, fanOut, isChatTokenChunk, translators, (chunks) => writer.write(sseFrames(chunks)), (choice) => {
        const usage = translators[choice]!.usage();
        if (usage) usages.push(usage);
      });
    } catch (error) {
      return exchange.failStream(reply, writer, error);
    }
    if (translation.includeUsage && !singleChoice) writer.write(sseData(chatUsageChunk(identity, usages)));
    writer.end(SSE_DONE);
    exchange.succeed(200);
    return reply;
  } catch (error) {
    return exchange.conclude(reply, error);
  }
}


