import { countTokensToChat, parseCountTokensRequest, type CountTokensRequest, type CountTokensResponse, type ThinkingSigner } from '@corral/anthropic';
import type { ChatChunk } from '@corral/ollama';
import type { EdgeContext } from '../../context.ts';
import type { Dialect, Generation } from '../../pipeline/dialect.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { anthropicErrorBody, anthropicErrorStatus, unwrap } from './errors.ts';
import { ANTHROPIC_EVENT_STREAM } from './framing.ts';
import { downloadImages } from './images.ts';

/**
 * POST /v1/messages/count_tokens. Ollama has no tokenizer endpoint, so the prompt is counted by the
 * model itself: one chat job of the same prompt generating a single token, whose final chunk's
 * `prompt_eval_count` is the answer. It runs through the whole pipeline (key, model access, alias,
 * limits) and is accounted as the request it is.
 */
export function countTokensDialect(context: EdgeContext, signer: ThinkingSigner): Dialect<CountTokensRequest, ChatChunk> {
  return {
    framing: ANTHROPIC_EVENT_STREAM,
    renderError: anthropicErrorBody,
    errorStatus: anthropicErrorStatus,
    parse: (body) => unwrap(parseCountTokensRequest(body)),
    describe: (request) => ({ model: request.model, stream: false }),
    async plan(request: CountTokensRequest, target: ModelTarget): Promise<Generation<ChatChunk>> {
      const resolvedImages = await downloadImages(context, request);
      const native = unwrap(countTokensToChat(request, { model: target.model, ...(target.overrides ? { overrides: target.overrides } : {}), resolvedImages, verifyThinking: signer.verify }));
      let inputTokens = 0;
      return {
        jobs: [{ kind: 'chat', body: native }],
        answer: {
          stream: false,
          aggregate: {
            push: () => {},
            finish: (_, _chunk, usage) => {
              inputTokens = usage.promptTokens;
            },
            result: (): CountTokensResponse => ({ input_tokens: inputTokens }),
          },
        },
      };
    },
  };
}
