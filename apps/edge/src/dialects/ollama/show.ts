import { nativeShowRequestSchema, showJob, showModelName, type NativeShowRequest } from '@corral/ollama';
import { FailureKind, HttpError } from '../../errors/http-error.ts';
import type { Dialect, Generation } from '../../pipeline/dialect.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { ollamaErrorBody, parseOllamaBody } from './errors.ts';
import { OLLAMA_NDJSON } from './framing.ts';
import { nativeTarget, singleAnswer } from './named-stream.ts';

/** A show request that names its model (`model`, or the legacy `name`). */
type ShowRequest = NativeShowRequest & { requested: string };

const ignore = (): void => undefined;

/**
 * POST /api/show: a show job on a worker that has the model (routing picks it as for any job, so a
 * key's model access and the aliases apply), answered with that host's Ollama answer as it is.
 */
export function showDialect(): Dialect<ShowRequest> {
  return {
    framing: OLLAMA_NDJSON,
    renderError: (error, request) => ollamaErrorBody(error, request?.requested),
    parse(body) {
      const request = parseOllamaBody(nativeShowRequestSchema, body);
      const requested = showModelName(request);
      if (requested === undefined) throw new HttpError(400, FailureKind.InvalidRequest, 'model is required', { code: 'invalid_request', param: 'model' });
      return { ...request, requested };
    },
    describe: (request) => ({ model: request.requested, stream: false }),
    plan({ requested: _requested, ...request }: ShowRequest, target: ModelTarget): Generation<Record<string, unknown>> {
      return {
        jobs: [{ kind: 'show', body: showJob(request, nativeTarget(target)) }],
        answer: { stream: false, aggregate: singleAnswer(ignore, (final) => final) },
      };
    },
  };
}
