import type { ChatChunk, Message } from '@corral/ollama';
import {
  collectResponsesImageUrls,
  conversationAfter,
  createResponseId,
  createResponsesStreamTranslator,
  listInputItems,
  parseInputItemsQuery,
  parseResponsesRequest,
  responseInputItems,
  responsesToNative,
  sseEventFrames,
  type OpenAIError,
  type OpenAIErrorType,
  type ResponseItemList,
  type ResponseItemResource,
  type ResponseObject,
  type ResponsesRequest,
  type ResponsesTranslation,
} from '@corral/openai';
import type { StoredResponse } from '@corral/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { toHttpError } from '../../http/error-handler.ts';
import { FailureKind, HttpError } from '../../http/http-error.ts';
import { fromOpenAIError } from '../../http/openai-error.ts';
import { renderOpenAIError } from '../../http/openai-error-renderer.ts';
import { SseWriter } from '../../http/sse-writer.ts';
import { identifyCaller } from '../../pipeline/access.ts';
import { forEachChoiceEvent, isChatTokenChunk } from '../../pipeline/choice-events.ts';
import { beginRequest, type Exchange } from '../../pipeline/exchange.ts';
import { FanOut } from '../../pipeline/fan-out.ts';
import { fetchImages, imagePolicy } from '../../pipeline/images.ts';
import { jobSpec } from '../../pipeline/job-spec.ts';
import { deleteStoredResponse, loadConversation, loadStoredResponse, storeResponse } from '../../pipeline/stored-responses.ts';

const ENDPOINT = '/v1/responses';

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
  app.delete(`${ENDPOINT}/:id`, (request) => deleteResponse(context, request));
  app.get(`${ENDPOINT}/:id/input_items`, (request) => listResponseInputItems(context, request));
}

function responseNotFound(id: string): HttpError {
  return new HttpError(404, FailureKind.NotFound, `Response with id '${id}' not found.`, { code: 'not_found', param: 'response_id' });
}

/** Who asks (their key id, null without auth) and for which response id. */
function target(context: EdgeContext, request: FastifyRequest): { keyId: string | null; id: string } {
  const caller = identifyCaller(context.keys, request.headers);
  return { keyId: caller.key?.id ?? null, id: (request.params as { id: string }).id };
}

/** The caller's stored response; a missing id and another key's response are the same 404. */
async function ownStoredResponse(context: EdgeContext, keyId: string | null, id: string): Promise<StoredResponse> {
  const stored = await loadStoredResponse(context.bus, keyId, id);
  if (!stored) throw responseNotFound(id);
  return stored;
}

/** GET /v1/responses/{id}: a stored response of the caller's key; anything else is a 404. */
async function retrieveResponse(context: EdgeContext, request: FastifyRequest): Promise<unknown> {
  const { keyId, id } = target(context, request);
  return (await ownStoredResponse(context, keyId, id)).output;
}

/** DELETE /v1/responses/{id}: afterwards, retrieving or chaining onto the id is a 404. */
async function deleteResponse(context: EdgeContext, request: FastifyRequest): Promise<{ id: string; object: 'response'; deleted: true }> {
  const { keyId, id } = target(context, request);
  if (!(await deleteStoredResponse(context.bus, keyId, id))) throw responseNotFound(id);
  return { id, object: 'response', deleted: true };
}

/**
 * GET /v1/responses/{id}/input_items: the items of that request's own `input`, as stored with it.
 * Like OpenAI, the items of the responses before it in a `previous_response_id` chain are not
 * included (each response lists its own). A response stored before input items were kept lists none.
 */
async function listResponseInputItems(context: EdgeContext, request: FastifyRequest): Promise<ResponseItemList> {
  const { keyId, id } = target(context, request);
  const query = parseInputItemsQuery(request.query as Record<string, unknown>);
  if (!query.ok) throw fromOpenAIError(query.error);
  const stored = await ownStoredResponse(context, keyId, id);
  const page = listInputItems((stored.inputItems ?? []) as unknown as ResponseItemResource[], query.value);
  if (!page.ok) throw fromOpenAIError(page.error);
  return page.value;
}

/**
 * Persists a finished response when the caller asked for `store` (OpenAI's default). When the
 * store cannot take it, the response still goes out, reporting `store: false`: the answer is not
 * lost, and the caller can see that it cannot chain onto it.
 */
async function persist(
  context: EdgeContext,
  exchange: Exchange,
  input: ResponsesRequest['input'],
  translation: ResponsesTranslation,
  response: ResponseObject,
): Promise<boolean> {
  if (!translation.store) return false;
  const messages: Message[] = conversationAfter(translation.conversation, response.output);
  const stored = await storeResponse(context.bus, { keyId: exchange.keyId, response, messages, inputItems: responseInputItems(input) });
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

    const job = new FanOut(context.dispatcher, [jobSpec(exchange, target, 'chat', translation.native)]);
    if (signal.aborted) job.cancel('client disconnected');
    else signal.addEventListener('abort', () => job.cancel('client disconnected'), { once: true });

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
      await forEachChoiceEvent<ChatChunk>(exchange, job, isChatTokenChunk, (_, chunk, final) => {
        if (final) translator.finish(chunk);
        else translator.push(chunk);
      });
      exchange.scope.markFirstToken();
      const response = translator.response();
      if (translation.store && !(await persist(context, exchange, body.input, translation, response))) response.store = false;
      exchange.succeed(200);
      return reply.type('application/json; charset=utf-8').send(response);
    }

    // Headers (and `response.created`) go out with the first chunk, so a request no worker can take
    // still gets a real HTTP status.
    const writer = new SseWriter(reply.raw, { 'x-request-id': exchange.scope.requestId }, () => reply.hijack());
    try {
      await forEachChoiceEvent<ChatChunk>(exchange, job, isChatTokenChunk, async (_, chunk, final) => {
        const events = final ? translator.finish(chunk) : translator.push(chunk);
        if (!final) {
          if (events.length === 0) return;
          exchange.scope.markFirstToken();
          writer.write(sseEventFrames(events));
          return;
        }
        exchange.scope.markFirstToken();
        // The terminal event waits for the store, so a caller may chain the moment it sees it.
        const terminal = events.pop();
        writer.write(sseEventFrames(events));
        if (terminal && translation.store && !(await persist(context, exchange, body.input, translation, translator.response()))) {
          (terminal.response as ResponseObject).store = false;
        }
        if (terminal) writer.write(sseEventFrames([terminal]));
      });
    } catch (error) {
      if (signal.aborted || !writer.hasStarted) throw error;
      // Mid-stream failure: the SDK ends the stream on `response.failed`.
      const httpError = toHttpError(error);
      writer.end(sseEventFrames(translator.fail(asOpenAIError(httpError))));
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
