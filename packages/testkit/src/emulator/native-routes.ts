import { prepareChat } from './chat.ts';
import { handleCompletion } from './completion.ts';
import type { EmulatorContext } from './context.ts';
import { runEmbed, runEmbeddings } from './embed.ts';
import { OllamaError, RequestCancelled } from './errors.ts';
import type { Exchange } from './exchange.ts';
import { prepareGenerate } from './generate.ts';
import { writeJson } from './http-io.ts';
import { parseJsonBody } from './json-body.ts';
import { NdjsonSink } from './ndjson-sink.ts';
import { show } from './model-info.ts';
import type { CompletedRequest } from './types.ts';

export function chatRoute(context: EmulatorContext, exchange: Exchange, text: string): Promise<void> {
  const record = context.log.begin(exchange.path, exchange.request.headers);
  return handleCompletion(context, record, new NdjsonSink(exchange.response, exchange.signal), () => {
    const body = parseJsonBody(text);
    context.log.describe(record, body);
    return prepareChat(context, body);
  });
}

export function generateRoute(context: EmulatorContext, exchange: Exchange, text: string): Promise<void> {
  const record = context.log.begin(exchange.path, exchange.request.headers);
  return handleCompletion(context, record, new NdjsonSink(exchange.response, exchange.signal), () => {
    const body = parseJsonBody(text);
    context.log.describe(record, body);
    return prepareGenerate(context, body);
  });
}

/** Records a JSON-answering inference request (embeddings) and reports its errors. */
export async function recordJsonRequest(
  context: EmulatorContext,
  exchange: Exchange,
  work: (record: CompletedRequest) => Promise<unknown>,
  answer: (status: number, body: unknown) => void,
  answerError: (error: OllamaError) => void,
): Promise<void> {
  const record = context.log.begin(exchange.path, exchange.request.headers);
  try {
    const result = await work(record);
    answer(200, result);
  } catch (error) {
    const failure = error instanceof OllamaError ? error : new OllamaError(500, String(error));
    if (failure instanceof RequestCancelled || exchange.signal.aborted) {
      record.cancelled = true;
      record.status = 499;
    } else {
      record.status = failure.status;
      record.error = failure.message;
    }
    answerError(failure);
  } finally {
    context.log.finish(record);
  }
}

function nativeJsonRoute(
  run: typeof runEmbed | typeof runEmbeddings,
): (context: EmulatorContext, exchange: Exchange, text: string) => Promise<void> {
  return (context, exchange, text) =>
    recordJsonRequest(
      context,
      exchange,
      (record) => {
        const body = parseJsonBody(text);
        context.log.describe(record, body);
        return run(context, body, exchange.signal, record);
      },
      (status, body) => writeJson(exchange.response, status, body),
      (error) => writeJson(exchange.response, error.status, { error: error.message }),
    );
}

export const embedRoute = nativeJsonRoute(runEmbed);
export const embeddingsRoute = nativeJsonRoute(runEmbeddings);

export function showRoute(context: EmulatorContext, exchange: Exchange, text: string): void {
  try {
    writeJson(exchange.response, 200, show(context, parseJsonBody(text)));
  } catch (error) {
    const failure = error instanceof OllamaError ? error : new OllamaError(500, String(error));
    writeJson(exchange.response, failure.status, { error: failure.message });
  }
}
