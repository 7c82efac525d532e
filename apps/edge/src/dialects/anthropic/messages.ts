import { createMessageAggregator, createMessageId, createMessagesStreamTranslator, messagesToChat, parseMessagesRequest, type MessagesRequest, type ThinkingSigner } from '@corral/anthropic';
import type { ChatChunk } from '@corral/ollama';
import type { EdgeContext } from '../../context.ts';
import type { Dialect, Generation } from '../../pipeline/dialect.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { anthropicErrorBody, anthropicErrorStatus, unwrap } from './errors.ts';
import { ANTHROPIC_EVENT_STREAM } from './framing.ts';
import { downloadImages } from './images.ts';

/** POST /v1/messages: one chat job; its chunks become Anthropic's stream events or one Message. */
export function messagesDialect(context: EdgeContext, signer: ThinkingSigner): Dialect<MessagesRequest, ChatChunk> {
  return {
    framing: ANTHROPIC_EVENT_STREAM,
    renderError: anthropicErrorBody,
    errorStatus: anthropicErrorStatus,
    parse: (body) => unwrap(parseMessagesRequest(body)),
    describe: (request) => ({ model: request.model, stream: request.stream === true }),
    async plan(request: MessagesRequest, target: ModelTarget): Promise<Generation<ChatChunk>> {
      const resolvedImages = await downloadImages(context, request);
      const translation = unwrap(
        messagesToChat(request, { model: target.model, ...(target.overrides ? { overrides: target.overrides } : {}), resolvedImages, verifyThinking: signer.verify }),
      );
      const jobs = [{ kind: 'chat' as const, body: translation.native }];
      const options = {
        id: createMessageId(),
        model: request.model,
        toolMode: translation.toolMode,
        ...(translation.forcedToolNames ? { forcedToolNames: translation.forcedToolNames } : {}),
        parallelToolCalls: translation.parallelToolCalls,
        excludeThinking: translation.excludeThinking,
        sign: signer.sign,
      };
      if (!translation.stream) {
        const aggregator = createMessageAggregator(options);
        return { jobs, answer: { stream: false, aggregate: { push: (_, chunk) => aggregator.push(chunk), finish: (_, chunk) => aggregator.finish(chunk), result: () => aggregator.result() } } };
      }
      const translator = createMessagesStreamTranslator(options);
      return {
        jobs,
        answer: {
          stream: true,
          events: {
            push: (_, chunk) => translator.push(chunk),
            finish: (_, chunk) => translator.finish(chunk),
            close: () => [],
            fail: (error) => [anthropicErrorBody(error)],
          },
        },
      };
    },
  };
}
