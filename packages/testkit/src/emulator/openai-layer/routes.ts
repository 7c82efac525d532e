import type { EmbedResponse } from '@corral/ollama';
import { prepareChat } from '../chat.ts';
import { handleCompletion } from '../completion.ts';
import type { EmulatorContext } from '../context.ts';
import { runEmbed } from '../embed.ts';
import type { Exchange } from '../exchange.ts';
import { prepareGenerate } from '../generate.ts';
import { writeJson } from '../http-io.ts';
import { parseJsonBody } from '../json-body.ts';
import { recordJsonRequest } from '../native-routes.ts';
import type { NativeSink } from '../sink.ts';
import { fromChatCompletionRequest } from './chat-request.ts';
import { ChatCompletionSink } from './chat-sink.ts';
import { CompletionSink, fromCompletionRequest } from './completions.ts';
import { fromEmbeddingRequest, toEmbeddingList } from './embeddings.ts';
import { writeOpenAiError } from './errors.ts';
import { listModels, retrieveModel } from './models.ts';

type Handler = (context: EmulatorContext, exchange: Exchange, body: string) => void | Promise<void>;

/** A sink that is told the request details only once the body is converted. */
class DeferredSink implements NativeSink {
  private target: NativeSink | undefined;

  constructor(
    readonly signal: AbortSignal,
    private readonly exchange: Exchange,
  ) {}

  attach(target: NativeSink): void {
    this.target = target;
  }

  get started(): boolean {
    return this.target?.started ?? false;
  }

  fail: NativeSink['fail'] = (error) => (this.target ? this.target.fail(error) : writeOpenAiError(this.exchange.response, error));
  json: NativeSink['json'] = (body) => this.target?.json(body);
  chunk: NativeSink['chunk'] = (body) => this.target?.chunk(body) ?? true;
  drain: NativeSink['drain'] = () => this.target?.drain() ?? Promise.resolve();
  streamError: NativeSink['streamError'] = (message) => this.target?.streamError(message);
  end: NativeSink['end'] = () => this.target?.end();
}

/** /v1/chat/completions: convert, run the native chat handler, rewrite its output. */
const chatCompletions: Handler = (context, exchange, text) => {
  const record = context.log.begin(exchange.path, exchange.request.headers);
  const sink = new DeferredSink(exchange.signal, exchange);
  return handleCompletion(context, record, sink, () => {
    const body = parseJsonBody(text);
    context.log.describe(record, body);
    record.stream = (body as { stream?: unknown }).stream === true;
    const { native, includeUsage } = fromChatCompletionRequest(body);
    sink.attach(new ChatCompletionSink(exchange.response, exchange.signal, native.model, includeUsage));
    return prepareChat(context, native);
  });
};

/** /v1/completions on top of the native generate handler. */
const completions: Handler = (context, exchange, text) => {
  const record = context.log.begin(exchange.path, exchange.request.headers);
  const sink = new DeferredSink(exchange.signal, exchange);
  return handleCompletion(context, record, sink, () => {
    const body = parseJsonBody(text);
    context.log.describe(record, body);
    record.stream = (body as { stream?: unknown }).stream === true;
    const { native, includeUsage } = fromCompletionRequest(body);
    sink.attach(new CompletionSink(exchange.response, exchange.signal, native.model, includeUsage));
    return prepareGenerate(context, native);
  });
};

const embeddings: Handler = (context, exchange, text) =>
  recordJsonRequest(
    context,
    exchange,
    async (record) => {
      const body = parseJsonBody(text);
      context.log.describe(record, body);
      const { native, encoding } = fromEmbeddingRequest(body);
      const response: EmbedResponse = await runEmbed(context, native, exchange.signal, record);
      return toEmbeddingList(response, String(native.model ?? ''), encoding);
    },
    (status, body) => writeJson(exchange.response, status, body, 'application/json'),
    (error) => writeOpenAiError(exchange.response, error),
  );

export const retrieveModelRoute: Handler = (context, exchange) => {
  const id = decodeURIComponent(exchange.path.slice('/v1/models/'.length));
  try {
    writeJson(exchange.response, 200, retrieveModel(context, id), 'application/json');
  } catch (error) {
    writeOpenAiError(exchange.response, error);
  }
};

export const openAiRoutes: Record<string, Partial<Record<'GET' | 'HEAD' | 'POST', Handler>>> = {
  '/v1/chat/completions': { POST: chatCompletions },
  '/v1/completions': { POST: completions },
  '/v1/embeddings': { POST: embeddings },
  '/v1/models': { GET: (context, exchange) => writeJson(exchange.response, 200, listModels(context), 'application/json') },
};
