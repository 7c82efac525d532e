import type { FastifyInstance } from 'fastify';
import type { EdgeContext } from '../../context.ts';
import { countTokensDialect } from '../../dialects/anthropic/count-tokens.ts';
import { messagesDialect } from '../../dialects/anthropic/messages.ts';
import { thinkingSigner } from '../../dialects/anthropic/signer.ts';
import { generationHandler } from '../../http/generation-route.ts';

const MESSAGES = '/v1/messages';
const COUNT_TOKENS = '/v1/messages/count_tokens';

/** Anthropic's Messages API. Its SDKs add `?beta=true` for beta features; the query changes nothing here. */
export function registerAnthropicRoutes(app: FastifyInstance, context: EdgeContext): void {
  // One signer for both: a thinking block returned by /v1/messages is counted, and verified, by count_tokens too.
  const signer = thinkingSigner(context);
  app.post(MESSAGES, generationHandler(context, MESSAGES, messagesDialect(context, signer)));
  app.post(COUNT_TOKENS, generationHandler(context, COUNT_TOKENS, countTokensDialect(context, signer)));
}
