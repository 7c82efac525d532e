import type { EmbedResponse } from '@corral/ollama';
import { buildEmbeddingsResponse, embeddingsJob, embeddingsToNative, parseEmbeddingsRequest, splitEmbeddingInputs } from '@corral/openai';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { routeModel } from '../../fleet/router.ts';
import { FailureKind, HttpError } from '../../http/http-error.ts';
import { fromOpenAIError } from '../../http/openai-error.ts';
import { embeddingPartCount } from '../../pipeline/embedding-parts.ts';
import { EmbeddingWidths } from '../../pipeline/embedding-widths.ts';
import { beginRequest } from '../../pipeline/exchange.ts';
import { FanOut } from '../../pipeline/fan-out.ts';
import { jobSpec } from '../../pipeline/job-spec.ts';

const ENDPOINT = '/v1/embeddings';

/** NATS's default, for the moment before the server's INFO is known. */
const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

export function registerEmbeddingsRoute(app: FastifyInstance, context: EdgeContext): void {
  const widths = new EmbeddingWidths();
  app.post(ENDPOINT, (request, reply) => handleEmbeddings(context, widths, request, reply));
}

/** The vectors of one part, checked: a worker answering for the wrong number of inputs would shift every later vector. */
function vectorsOf(data: Record<string, unknown>, expected: number): number[][] {
  const embeddings = (data as Partial<EmbedResponse>).embeddings;
  if (!Array.isArray(embeddings) || embeddings.length !== expected) {
    throw new HttpError(502, FailureKind.Upstream, `Ollama returned ${Array.isArray(embeddings) ? embeddings.length : 'no'} embeddings for ${expected} inputs.`, { code: 'upstream_error' });
  }
  return embeddings;
}

/**
 * POST /v1/embeddings. A large batch is cut into contiguous slices, one embed job each, so that
 * several workers embed it in parallel and every reply fits in one NATS message (see
 * embeddingPartCount); the slices' vectors are concatenated back in input order. Any failed slice
 * fails the request (the others are cancelled).
 */
async function handleEmbeddings(context: EdgeContext, widths: EmbeddingWidths, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const exchange = beginRequest(context, request, reply, ENDPOINT);
  const signal = exchange.clientGone;
  try {
    exchange.authenticate();
    const parsed = parseEmbeddingsRequest(request.body);
    if (!parsed.ok) throw fromOpenAIError(parsed.error);
    const embeddings = parsed.value;
    const target = exchange.resolveModel(embeddings.model);
    const translation = embeddingsToNative(embeddings, { model: target.model, ...(target.overrides ? { overrides: target.overrides } : {}) });

    const inputs = translation.inputs;
    const parts = embeddingPartCount({
      inputCount: inputs.length,
      inputCharacters: inputs.reduce((total, input) => total + input.length, 0),
      candidateWorkers: routeModel(context.fleet, target.model).candidates.length,
      vectorWidth: widths.widthOf(target.model, embeddings.dimensions),
      maxPayloadBytes: context.bus.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES,
    });
    const slices = splitEmbeddingInputs(inputs, parts);
    const fanOut = new FanOut(
      context.dispatcher,
      slices.map((slice, part) => jobSpec(exchange, target, 'embed', embeddingsJob(translation.native, slice), part)),
    );
    if (signal.aborted) fanOut.cancel('client disconnected');
    else signal.addEventListener('abort', () => fanOut.cancel('client disconnected'), { once: true });

    const vectorsByPart: number[][][] = slices.map(() => []);
    let promptTokens = 0;
    for await (const { choice: part, event } of fanOut.events()) {
      // An embed job answers with one final message: the whole /api/embed response.
      if (event.type !== 'final') continue;
      exchange.scope.settleJob(part, event.usage, event.workerId);
      promptTokens += event.usage.promptTokens;
      try {
        vectorsByPart[part] = vectorsOf(event.data, slices[part]!.length);
      } catch (error) {
        fanOut.cancel('another part failed');
        throw error;
      }
    }
    const vectors = vectorsByPart.flat();
    widths.remember(target.model, vectors, embeddings.dimensions);
    exchange.scope.markFirstToken();
    exchange.succeed(200);
    const response = buildEmbeddingsResponse({ model: embeddings.model, vectors, promptTokens, encodingFormat: translation.encodingFormat });
    return reply.type('application/json; charset=utf-8').send(response);
  } catch (error) {
    return exchange.conclude(reply, error);
  }
}
