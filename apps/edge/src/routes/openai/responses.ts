import type { ChatChunk, Message } from '@corral/ollama';
import {
  collectResponsesImageUrls,
  conversationAfter,
  createResponseId,
  createResponsesStreamTranslator,
  parseResponsesRequest,
  responsesToNative,
  sseEvent,
  type OpenAIError,
  type OpenAIErrorType,
  type ResponseObject,
  type ResponseStreamEvent,
  type ResponsesTranslation,
} from '@corral/openai';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { toHttpError } from '../../http/error-handler.ts';
import { FailureKind, HttpError } from '../../http/http-error.ts';
import { fromOpenAIError } from '../../http/openai-error.ts';
import { renderOpenAIError } from '../../http/openai-error-renderer.ts';
import { SseWriter } from '../../http/sse-writer.ts';
import { identifyCaller } from '../../pipeline/access.ts';
import { beginRequest, type Exchange } from '../../pipeline/exchange.ts';
import { fetchImages, imagePolicy } from '../../pipeline/images.ts';
import { jobSpec } from '../../pipeline/job-spec.ts';
import { loadConversation, loadStoredResponse, storeResponse } from '../../pipeline/stored-responses.ts';

const ENDPOINT = '/v1/responses';

/** A native chat chunk that carries a generated token (text, thinking or a tool call). */
function isTokenChunk(data: Record<string, unknown>): boolean {
  const message = data.message as { content?: string; thinking?: string; tool_calls?: unknown[] } | undefined;
  return Boolean(message && (message.content || message.thinking || message.tool_calls?.length));
}

function frames(events: readonly ResponseStreamEvent[]): string {
  let text = '';
  for (const event of events) text += sseEvent(event.type, event);
  return text;
}

/** The edge's error as the OpenAI error value the stream translator reports in `response.failed`. */
function asOpenAIError(error: HttpError): OpenAIError {
  const rendered = renderOpenAIError(error).error;
  return { status: error.status, message: error.message, type: rendered.type as OpenAIErrorType, param: rendered.param, code: rendered.code };
}

/** Image URLs of a Responses request are in `input`, not `messages`: the 400 names the right parameter. */
async function fetchInputImages(context: EdgeContext, urls: readonly string[]): Promise<Map<string, string>> {
  try {
    return await fetchImages(urls, imagePolicy(context.config));
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    throw new HttpError(error.status, error.kind, error.message, { ...error.extra, param: 'input' });
  }
}

export function registerResponsesRoutes(app: FastifyInstance, context: EdgeContext): void {
  app.post(ENDPOINT, (request, reply) => handleCreateResponse(context, request, reply));
  app.get(`${ENDPOINT}/:id`, (request) => retrieveResponse(context, request));
}

/** GET /v1/responses/{id}: a stored response of the caller's key; anything else is a 404. */
async function retrieveResponse(context: EdgeContext, request: FastifyRequest): Promise<unknown> {
  const caller = identifyCaller(context.keys, request.headers);
  const id = (request.params as { id: string }).id;
  const stored = await loadStoredResponse(context.bus, caller.key?.id ?? null, id);
  if (!stored) throw new HttpError(404, FailureKind.NotFound, `Response with id '${id}' not found.`, { code: 'not_found', param: 'response_id' });
  return stored.output;
}

/**
 * Persists a finished response when the caller asked for `store` (OpenAI's default). When the
 * store cannot take it, the response still goes out, reporting `store: false`: the answer is not
 * lost, and the caller can see that it cannot chain onto it.
 */
async function persist(context: EdgeContext, exchange: Exchange, translation: ResponsesTranslation, response: ResponseObject): Promise<boolean> {
  if (!translation.store) return false;
  const messages: Message[] = conversationAfter(translation.conversation, response.output);
  const stored = await storeResponse(context.bus, { keyId: exchange.keyId, response, messages });
  if (!stored) context.logger.warn({ responseId: response.id, requestId: exchange.scope.requestId }, 'could not store a response; it was returned with store: false');
  return stored;
}

/** POST /v1/responses: one chat job; the conversation is continued from and stored through accounting. */
async function handleCreateResponse(context: EdgeContext, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const exchange = beginRequest(context, request, reply, ENDPOINT);
  const signal = exchange.clientGone;
  try {
    exchange.authenticate();
    const parsed = parseResponsesRequest(request.body);
    if (!parsed.ok) throw fromOpenAIError(parsed.error);
    const body = parsed.value;
    const target = exchange.resolveModel(body.model);
    exchange.scope.stream = body.stream === true;

    const previousMessages = body.previous_response_id === undefined ? undefined : await loadConversation(context.bus, exchange.keyId, body.previous_response_id);
    const imageUrls = collectResponsesImageUrls(body);
    const resolvedImages = imageUrls.length > 0 ? await fetchInputImages(context, imageUrls) : undefined;
    const translated = responsesToNative(body, {
      model: target.model,
      ...(target.overrides ? { overrides: target.overrides } : {}),
      ...(previousMessages ? { previousMessages } : {}),
      ...(resolvedImages ? { resolvedImages } : {}),
    });
    if (!translated.ok) throw fromOpenAIError(translated.error);
    const translation = translated.value;

    const run = context.dispatcher.run(jobSpec(exchange, target, 'chat', translation.native));
    if (signal.aborted) run.cancel('client disconnected');
    else signal.addEventListener('abort', () => run.cancel('client disconnected'), { once: true });

    const translator = createResponsesStreamTranslator({
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

    if (!translation.stream) {
      for await (const event of run.events) {
        if (event.type === 'chunk') {
          if (isTokenChunk(event.data)) exchange.scope.noteGeneratedToken(0);
          translator.push(event.data as unknown as ChatChunk);
        } else {
          exchange.scope.settleJob(0, event.usage, event.workerId);
          translator.finish(event.data as unknown as ChatChunk);
        }
      }
      exchange.scope.markFirstToken();
      const response = translator.response();
      if (translation.store && !(await persist(context, exchange, translation, response))) response.store = false;
      exchange.succeed(200);
      return reply.type('application/json; charset=utf-8').send(response);
    }

    // Headers (and `response.created`) go out with the first chunk, so a request no worker can take
    // still gets a real HTTP status.
    const writer = new SseWriter(reply.raw, { 'x-request-id': exchange.scope.requestId }, () => reply.hijack());
    try {
      for await (const event of run.events) {
        if (event.type === 'chunk') {
          if (isTokenChunk(event.data)) exchange.scope.noteGeneratedToken(0);
          const events = translator.push(event.data as unknown as ChatChunk);
          if (events.length === 0) continue;
          exchange.scope.markFirstToken();
          writer.write(frames(events));
          continue;
        }
        exchange.scope.settleJob(0, event.usage, event.workerId);
        const events = translator.finish(event.data as unknown as ChatChunk);
        exchange.scope.markFirstToken();
        // The terminal event waits for the store, so a caller may chain the moment it sees it.
        const terminal = events.pop();
        writer.write(frames(events));
        if (terminal && translation.store && !(await persist(context, exchange, translation, translator.response()))) {
          (terminal.response as ResponseObject).store = false;
        }
        if (terminal) writer.write(frames([terminal]));
      }
    } catch (error) {
      if (signal.aborted || !writer.hasStarted) throw error;
      // Mid-stream failure: the SDK ends the stream on `response.failed`.
      const httpError = toHttpError(error);
      writer.end(frames(translator.fail(asOpenAIError(httpError))));
      exchange.fail(httpError);
      return reply;
    }
    writer.end();
    exchange.succeed(200);
    return reply;
  } catch (error) {
    return exchange.conclude(reply, error);
  }
}
