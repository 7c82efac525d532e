import { decodeWith, encodeJson } from './codec.ts';
import type { Bus } from './bus.ts';
import {
  AccountingReply,
  PROTOCOL_VERSION,
  accountingOperations,
  type AccountingOperation,
  type AccountingRequest,
  type AccountingResult,
  type BusError,
} from '@corral/protocol';

/** An accounting error reply, or no reply at all (`unavailable`). */
export class AccountingCallError extends Error {
  constructor(
    readonly code: BusError['code'] | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'AccountingCallError';
  }
}

type WithoutVersion<T> = T extends unknown ? Omit<T, 'v'> : never;

/**
 * Calls one accounting operation over NATS and returns its result, or throws AccountingCallError.
 * While the connection is being re-established the call waits for it (within `timeoutMs`).
 */
export async function callAccounting<O extends AccountingOperation>(
  bus: Bus,
  operation: O,
  request: WithoutVersion<AccountingRequest<O>>,
  timeoutMs = 10_000,
): Promise<AccountingResult<O>> {
  const { request: requestSchema, result: resultSchema } = accountingOperations[operation];
  const checked = requestSchema.safeParse({ ...request, v: PROTOCOL_VERSION });
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`);
    throw new AccountingCallError('bad_request', problems.join('; '));
  }
  const body = checked.data;
  let data: Uint8Array;
  try {
    data = await bus.requestBytes(bus.subjects.accounting(operation), encodeJson(body), timeoutMs);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new AccountingCallError('unavailable', `accounting did not answer (${detail}); is it running with the same NATS_URL and CORRAL_PREFIX?`);
  }
  const reply = decodeWith(AccountingReply(resultSchema), data);
  if (!reply.ok) throw new AccountingCallError(reply.error.code, reply.error.message);
  return reply.result as AccountingResult<O>;
}
