import { ChatAnswer, chatJob, nativeChatRequestSchema, wantsStream, type NativeChatRequest } from '@corral/ollama';
import type { Dialect, Generation } from '../../pipeline/dialect.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { ollamaErrorBody, parseOllamaBody } from './errors.ts';
import { OLLAMA_NDJSON } from './framing.ts';
import { nativeEventStream, nativeTarget, singleAnswer } from './named-stream.ts';

/** POST /api/chat: one chat job; streamed as the worker's NDJSON, or gathered into Ollama's one object. */
export function chatDialect(): Dialect<NativeChatRequest> {
  return {
    framing: OLLAMA_NDJSON,
    renderError: (error, request) => ollamaErrorBody(error, request?.model),
    parse: (body) => parseOllamaBody(nativeChatRequestSchema, body),
    describe: (request) => ({ model: request.model, stream: wantsStream(request) }),
    plan(request: NativeChatRequest, target: ModelTarget): Generation<Record<string, unknown>> {
      const jobs = [{ kind: 'chat' as const, body: chatJob(request, nativeTarget(target)) }];
      if (wantsStream(request)) return { jobs, answer: { stream: true, events: nativeEventStream(request.model) } };
      // Ollama returns tool calls in a whole answer only when the request offered tools.
      const answer = new ChatAnswer(request.model, (request.tools?.length ?? 0) > 0);
      return { jobs, answer: { stream: false, aggregate: singleAnswer((chunk) => answer.push(chunk), (final) => answer.finish(final)) } };
    },
  };
}
