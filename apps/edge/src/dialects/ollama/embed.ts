import { embeddingsJob, embedJob, legacyEmbedding, namedFor, nativeEmbeddingsRequestSchema, nativeEmbedRequestSchema, type NativeEmbeddingsRequest, type NativeEmbedRequest } from '@corral/ollama';
import type { Dialect, Generation } from '../../pipeline/dialect.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { ollamaErrorBody, parseOllamaBody } from './errors.ts';
import { OLLAMA_NDJSON } from './framing.ts';
import { nativeTarget, singleAnswer } from './named-stream.ts';

const ignore = (): void => undefined;

/** POST /api/embed: one embed job, its answer returned as Ollama's, named for the model asked for. */
export function embedDialect(): Dialect<NativeEmbedRequest> {
  return {
    framing: OLLAMA_NDJSON,
    renderError: (error, request) => ollamaErrorBody(error, request?.model),
    parse: (body) => parseOllamaBody(nativeEmbedRequestSchema, body),
    describe: (request) => ({ model: request.model, stream: false }),
    plan(request: NativeEmbedRequest, target: ModelTarget): Generation<Record<string, unknown>> {
      return {
        jobs: [{ kind: 'embed', body: embedJob(request, nativeTarget(target)) }],
        answer: { stream: false, aggregate: singleAnswer(ignore, (final) => namedFor(final, request.model)) },
      };
    },
  };
}

/**
 * POST /api/embeddings, the legacy single-prompt form: an /api/embed job of its prompt, answered
 * `{"embedding": […]}`. An empty prompt embeds nothing and gets `{"embedding": []}`, as from Ollama.
 * The vector is /api/embed's, so it is L2-normalised (Ollama's legacy handler returns it raw).
 */
export function embeddingsDialect(): Dialect<NativeEmbeddingsRequest> {
  return {
    framing: OLLAMA_NDJSON,
    renderError: (error, request) => ollamaErrorBody(error, request?.model),
    parse: (body) => parseOllamaBody(nativeEmbeddingsRequestSchema, body),
    describe: (request) => ({ model: request.model, stream: false }),
    plan(request: NativeEmbeddingsRequest, target: ModelTarget): Generation<Record<string, unknown>> {
      const body = embeddingsJob(request, nativeTarget(target));
      let vector: { embedding: number[] } = legacyEmbedding(undefined);
      return {
        jobs: body ? [{ kind: 'embed', body }] : [],
        answer: {
          stream: false,
          aggregate: {
            push: ignore,
            finish(_part, final) {
              vector = legacyEmbedding(final);
            },
            result: () => vector,
          },
        },
      };
    },
  };
}
