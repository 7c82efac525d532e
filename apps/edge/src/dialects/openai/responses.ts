import type { ChatChunk, Message } from '@corral/ollama';
import {
  collectResponsesImageUrls,
  conversationAfter,
  createResponseId,
  createResponsesStreamTranslator,
  parseResponsesRequest,
  responseInputItems,
  responsesToNative,
  type ResponseObject,
  type ResponsesRequest,
  type ResponsesStreamTranslator,
  type ResponsesTranslation,
} from '@corral/openai';
import type { EdgeContext } from '../../context.ts';
import { HttpError } from '../../errors/http-error.ts';
import type { Aggregate, Dialect, EventStream, Generation } from '../../pipeline/dialect.ts';
import type { Exchange, ModelTarget } from '../../pipeline/exchange.ts';
import { fetchImages, imagePolicy } from '../../pipeline/images.ts';
import { asOpenAIError, openAIErrorBody, unwrap } from './errors.ts';
import { OPENAI_EVENT_STREAM } from './framing.ts';
import { nativeContext } from './native-context.ts';
import { loadConversation, storeResponse } from './stored-responses.ts';

/** Image URLs of a Responses request are in `input`, not `messages`: the 400 names the right parameter. */
async function fetchInputImages(context: EdgeContext, body: ResponsesRequest): Promise<Map<string, string> | undefined> {
  const urls = collectResponsesImageUrls(body);
  if (urls.length === 0) return undefined;
  try {
    return await fetchImages(urls, imagePolicy(context.config));
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    throw new HttpError(error.status, error.kind, error.message, { ...error.extra, param: 'input' });
  }
}

/**
 * Persists a finished response when the caller asked for `store` (OpenAI's default); false when the
 * store could not take it. The response then still goes out, reporting `store: false`: the answer
 * is not lost, and the caller can see that it cannot chain onto it.
 */
async function persist(context: EdgeContext, exchange: Exchange, input: ResponsesRequest['input'], translation: ResponsesTranslation, response: ResponseObject): Promise<boolean> {
  if (!translation.store) return true;
  const messages: Message[] = conversationAfter(translation.conversation, response.output);
  const stored = await storeResponse(context.bus, { keyId: exchange.keyId, response, messages, inputItems: responseInputItems(input) });
  if (!stored) context.logger.warn({ responseId: response.id, requestId: exchange.scope.requestId }, 'could not store a response; it was returned with store: false');
  return stored;
}

/** The stream translator of one response, configured as the translation says. */
function responseTranslator(body: ResponsesRequest, translation: ResponsesTranslation): ResponsesStreamTranslator {
  return createResponsesStreamTranslator({
    id: createResponseId(),
    model: body.model,
    createdAt: Math.floor(Date.now() / 1000),
    settings: translation.settings,
    toolMode: translation.toolMode,
    ...(translation.forcedToolNames ? { forcedToolNames: translation.forcedToolNames } : {}),
    parallelToolCalls: translation.parallelToolCalls,
    ...(translation.maxToolCalls !== undefined ? { maxToolCalls: translation.maxToolCalls } : {}),
    excludeReasoning: translation.excludeReasoning,
    includeEncryptedReasoning: translation.includeEncryptedReasoning,
  });
}

/** How the one job's chunks answer: a stored response object, or its stream ending once it is stored. */
function responseAnswer(translator: ResponsesStreamTranslator, store: (response: ResponseObject) => Promise<boolean>): { whole: Aggregate<ChatChunk>; streamed: EventStream<ChatChunk> } {
  return {
    whole: {
      push: (_, chunk) => void translator.push(chunk),
      finish: (_, chunk) => void translator.finish(chunk),
      async result() {
        const response = translator.response();
        if (!(await store(response))) response.store = false;
        return response;
      },
    },
    streamed: {
      push: (_, chunk) => translator.push(chunk),
      async finish(_, chunk) {
        const events = translator.finish(chunk);
        const terminal = events.at(-1);
        // The terminal event waits for the store, so a caller may chain the moment it sees it.
        if (terminal && !(await store(translator.response()))) (terminal.response as ResponseObject).store = false;
        return events;
      },
      close: () => [],
      // The SDK ends the stream on `response.failed`.
      fail: (error) => translator.fail(asOpenAIError(error)),
    },
  };
}

/** POST /v1/responses: one chat job; the conversation is continued from and stored through accounting. */
export function responsesDialect(context: EdgeContext): Dialect<ResponsesRequest, ChatChunk> {
  return {
    framing: OPENAI_EVENT_STREAM,
    renderError: openAIErrorBody,
    parse: (body) => unwrap(parseResponsesRequest(body)),
    describe: (body) => ({ model: body.model, stream: body.stream === true }),
    async plan(body: ResponsesRequest, target: ModelTarget, exchange: Exchange): Promise<Generation<ChatChunk>> {
      const previousMessages = body.previous_response_id === undefined ? undefined : await loadConversation(context.bus, exchange.keyId, body.previous_response_id);
      const resolvedImages = await fetchInputImages(context, body);
      const translation = unwrap(
        responsesToNative(body, {
          ...nativeContext(target),
          ...(previousMessages ? { previousMessages } : {}),
          ...(resolvedImages ? { resolvedImages } : {}),
        }),
      );
      const answer = responseAnswer(responseTranslator(body, translation), (response) => persist(context, exchange, body.input, translation, response));
      const jobs = [{ kind: 'chat' as const, body: translation.native }];
      return { jobs, answer: translation.stream ? { stream: true, events: answer.streamed } : { stream: false, aggregate: answer.whole } };
    },
  };
}
