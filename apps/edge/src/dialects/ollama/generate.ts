import { GenerateAnswer, generateJob, nativeGenerateRequestSchema, wantsStream, type NativeGenerateRequest } from '@corral/ollama';
import type { Dialect, Generation } from '../../pipeline/dialect.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { ollamaErrorBody, parseOllamaBody } from './errors.ts';
import { OLLAMA_NDJSON } from './framing.ts';
import { nativeEventStream, nativeTarget, singleAnswer } from './named-stream.ts';

/** POST /api/generate: one generate job; streamed as the worker's NDJSON, or gathered into Ollama's one object. */
export function generateDialect(): Dialect<NativeGenerateRequest> {
  return {
    framing: OLLAMA_NDJSON,
    renderError: (error, request) => ollamaErrorBody(error, request?.model),
    parse: (body) => parseOllamaBody(nativeGenerateRequestSchema, body),
    describe: (request) => ({ model: request.model, stream: wantsStream(request) }),
    plan(request: NativeGenerateRequest, target: ModelTarget): Generation<Record<string, unknown>> {
      const jobs = [{ kind: 'generate' as const, body: generateJob(request, nativeTarget(target)) }];
      if (wantsStream(request)) return { jobs, answer: { stream: true, events: nativeEventStream(request.model) } };
      const answer = new GenerateAnswer(request.model);
      return { jobs, answer: { stream: false, aggregate: singleAnswer((chunk) => answer.push(chunk), (final) => answer.finish(final)) } };
    },
  };
}
