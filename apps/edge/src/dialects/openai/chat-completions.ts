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
  type ChatCompletionRequest,
  type CompletionUsage,
} from '@corral/openai';
import type { EdgeContext } from '../../context.ts';
import type { Dialect, Generation } from '../../pipeline/dialect.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { fetchImages, imagePolicy } from '../../pipeline/images.ts';
import { openAIErrorBody, refuse, unwrap } from './errors.ts';
import { fanOutBytesRefusal, fanOutLimits, jobCountRefusal } from './fan-out-limits.ts';
import { OPENAI_DATA_STREAM } from './framing.ts';
import { nativeContext } from './native-context.ts';
import { choiceEventStream } from './choice-stream.ts';

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

/** Ollama takes only inline image bytes: the request's image URLs, downloaded (each once). */
async function downloadImages(context: EdgeContext, chat: ChatCompletionRequest): Promise<Map<string, string> | undefined> {
  const urls = collectImageUrls(chat);
  if (urls.length === 0) return undefined;
  const params = imageUrlParams(chat);
  return fetchImages(urls, imagePolicy(context.config), (url) => params.get(url) ?? 'messages');
}

/** POST /v1/chat/completions: one chat job per choice (`n`), merged back into OpenAI's choice order. */
export function chatCompletionsDialect(context: EdgeContext): Dialect<ChatCompletionRequest, ChatChunk> {
  const limits = fanOutLimits(context.config);
  return {
    framing: OPENAI_DATA_STREAM,
    renderError: openAIErrorBody,
    parse: (body) => unwrap(parseChatRequest(body)),
    describe: (chat) => ({ model: chat.model, stream: chat.stream === true }),
    admit: (chat) => refuse(jobCountRefusal({ prompts: 1, samples: chat.n ?? 1 }, limits)),
    async plan(chat: ChatCompletionRequest, target: ModelTarget): Promise<Generation<ChatChunk>> {
      const resolvedImages = await downloadImages(context, chat);
      const translation = unwrap(chatToNative(chat, { ...nativeContext(target), ...(resolvedImages ? { resolvedImages } : {}) }));
      const choices = translation.choices;
      // Measured after translation: images fetched from URLs travel in every choice's copy too.
      if (choices > 1) refuse(fanOutBytesRefusal(JSON.stringify(translation.native).length * choices, choices, limits));
      const jobs = Array.from({ length: choices }, (_, index) => ({ kind: 'chat' as const, body: nativeForChoice(translation.native, index) }));

      const identity = { id: createChatCompletionId(), model: chat.model, created: Math.floor(Date.now() / 1000) };
      const streamOptions = {
        ...identity,
        excludeReasoning: translation.excludeReasoning,
        toolMode: translation.toolMode,
        ...(translation.forcedToolNames ? { forcedToolNames: translation.forcedToolNames } : {}),
        parallelToolCalls: translation.parallelToolCalls,
      };
      if (!translation.stream) return { jobs, answer: { stream: false, aggregate: createChatCompletionAggregator(streamOptions, choices) } };

      // With several choices, usage comes once, summed, in a chunk of its own after them all.
      const usageApart = translation.includeUsage && choices > 1;
      const translators = Array.from({ length: choices }, (_, choiceIndex) => createChatStreamTranslator({ ...streamOptions, includeUsage: translation.includeUsage && !usageApart, choiceIndex }));
      const usages: CompletionUsage[] = [];
      const events = choiceEventStream(translators, (_, usage) => usages.push(usage), () => (usageApart ? [chatUsageChunk(identity, usages)] : []));
      return { jobs, answer: { stream: true, events } };
    },
  };
}
