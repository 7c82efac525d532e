import { encodeJson, type Subscription } from '@corral/bus';
import {
  ACCOUNTING_QUEUE,
  ErrorCode,
  accountingOperations,
  replyError,
  type AccountingOperation,
  type AccountingOperations,
  type AccountingReply,
  type AccountingResult,
} from '@corral/protocol';
import type { z } from 'zod';
import type { AccountingContext } from './context.ts';

export type Handler<O extends AccountingOperation> = (
  context: AccountingContext,
  request: z.infer<AccountingOperations[O]['request']>,
) => Promise<AccountingReply<AccountingResult<O>>>;

export type Handlers = { [O in AccountingOperation]: Handler<O> };

const decoder = new TextDecoder();

/**
 * Serves every operation in the `accounting` queue group, so each request reaches one replica.
 * Requests and results are validated; whatever goes wrong becomes an error reply, never a crash.
 */
export function serveHandlers(context: AccountingContext, handlers: Handlers): { stop(): Promise<void> } {
  const subscriptions: Subscription[] = [];
  const inFlight = new Set<Promise<void>>();

  for (const operation of Object.keys(accountingOperations) as AccountingOperation[]) {
    const { request: requestSchema, result: resultSchema } = accountingOperations[operation];
    const handler = handlers[operation] as Handler<AccountingOperation>;
    const subscription = context.bus.nc.subscribe(context.bus.subjects.accounting(operation), {
      queue: ACCOUNTING_QUEUE,
      callback: (error, message) => {
        if (error) return;
        const work = (async (): Promise<AccountingReply<unknown>> => {
          let body: unknown;
          try {
            body = JSON.parse(decoder.decode(message.data));
          } catch {
            return replyError(ErrorCode.BadRequest, 'the request is not JSON');
          }
          const parsed = requestSchema.safeParse(body);
          if (!parsed.success) return replyError(ErrorCode.BadRequest, describeIssues(parsed.error));
          const reply = await handler(context, parsed.data as never);
          if (!reply.ok) return reply;
          const checked = resultSchema.safeParse(reply.result);
          if (checked.success) return reply;
          context.logger.error({ operation, issues: checked.error.issues.map((issue) => issue.path.join('.')) }, 'handler produced an invalid result');
          return replyError(ErrorCode.Internal, 'accounting produced an invalid result');
        })()
          .catch((failure: unknown) => {
            context.logger.error({ operation, err: failure }, 'accounting operation failed');
            return replyError(ErrorCode.Internal, 'accounting could not complete the operation');
          })
          .then((reply) => {
            if (message.reply) message.respond(encodeJson(reply));
          });
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      },
    });
    subscriptions.push(subscription);
  }

  return {
    async stop() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      await Promise.allSettled([...inFlight]);
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}
