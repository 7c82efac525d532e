import type { EmbedResponse } from '@corral/ollama';
import { buildEmbeddingsResponse, embeddingsJob, embeddingsToNative, parseEmbeddingsRequest, splitEmbeddingInputs, type EmbeddingsRequest } from '@corral/openai';
import type { EdgeContext } from '../../context.ts';
import { FailureKind, HttpError } from '../../errors/http-error.ts';
import { availableWorkers } from '../../fleet/router.ts';
import type { Dialect, Generation } from '../../pipeline/dialect.ts';
import { embeddingPartCount, MIN_INPUTS_PER_PART } from '../../pipeline/embedding-parts.ts';
import { EmbeddingWidths } from '../../pipeline/embedding-widths.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { openAIErrorBody, unwrap } from './errors.ts';
import { OPENAI_DATA_STREAM } from './framing.ts';
import { nativeContext } from './native-context.ts';

/** NATS's default, for the moment before the server's INFO is known. */
const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/** The vectors of one part, checked: a worker answering for the wrong number of inputs would shift every later vector. */
function vectorsOf(data: EmbedResponse, expected: number): number[][] {
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
 * fails the request (the others are cancelled). Never streamed.
 */
export function embeddingsDialect(context: EdgeContext): Dialect<EmbeddingsRequest, EmbedResponse> {
  const widths = new EmbeddingWidths();
  return {
    framing: OPENAI_DATA_STREAM,
    renderError: openAIErrorBody,
    parse: (body) => unwrap(parseEmbeddingsRequest(body)),
    describe: (embeddings) => ({ model: embeddings.model, stream: false }),
    plan(embeddings: EmbeddingsRequest, target: ModelTarget): Generation<EmbedResponse> {
      const translation = embeddingsToNative(embeddings, nativeContext(target));
      const inputs = translation.inputs;
      const parts = embeddingPartCount({
        inputCount: inputs.length,
        inputCharacters: inputs.reduce((total, input) => total + input.length, 0),
        // Fewer inputs than two parts' worth stay one job whatever the fleet: no need to rank it.
        candidateWorkers: inputs.length < 2 * MIN_INPUTS_PER_PART ? 1 : availableWorkers(context.fleet, target.model),
        vectorWidth: widths.widthOf(target.model, embeddings.dimensions),
        maxPayloadBytes: context.bus.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES,
      });
      const slices = splitEmbeddingInputs(inputs, parts);
      const vectorsByPart: number[][][] = slices.map(() => []);
      let promptTokens = 0;
      return {
        jobs: slices.map((slice) => ({ kind: 'embed' as const, body: embeddingsJob(translation.native, slice) })),
        answer: {
          stream: false,
          aggregate: {
            // An embed job answers with one final message: the whole /api/embed response.
            push: () => undefined,
            finish(part, response, usage) {
              promptTokens += usage.promptTokens;
              vectorsByPart[part] = vectorsOf(response, slices[part]!.length);
            },
            result() {
              const vectors = vectorsByPart.flat();
              widths.remember(target.model, vectors, embeddings.dimensions);
              return buildEmbeddingsResponse({ model: embeddings.model, vectors, promptTokens, encodingFormat: translation.encodingFormat });
            },
          },
        },
      };
    },
  };
}
