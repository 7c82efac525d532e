import 'server-only';
import { unstable_rethrow } from 'next/navigation';
import { AccountingCallError, WorkerCommandError, type Bus } from '@corral/bus';
import type { AdminUserInfo } from '@corral/protocol';
import type { z } from 'zod';
import { bus } from './bus.ts';
import { logger } from './logger.ts';
import { isSameOrigin } from './origin.ts';
import { Refusal, RefusalCode } from './refusal.ts';
import { requireAdmin } from './session.ts';
import type { MutationResult } from './mutation-result.ts';

export interface MutationContext {
  user: AdminUserInfo;
  bus: Bus;
}

/** Accounting's codes a person can act on, in words; anything else is logged and summarised. */
const ACCOUNTING_MESSAGES: Partial<Record<AccountingCallError['code'], (message: string) => string>> = {
  bad_request: (message) => message,
  not_found: (message) => message,
  conflict: (message) => message,
  forbidden: (message) => message,
  rate_limited: (message) => message,
  unauthorized: () => 'Your session has ended: sign in again.',
  unsupported: () => 'The running accounting does not support this yet (update accounting).',
  unavailable: () => 'Accounting did not answer: is it running? Try again in a moment.',
};

/**
 * The one wrapper every server action goes through, in this order: the Origin must be this app's,
 * the session must be an admin's (a viewer is refused here whatever the UI shows), the form must
 * parse; then `run` sends the change to accounting. Every failure comes back as a typed result the
 * form shows; nothing a person did becomes a 500.
 *
 *   export const createTeam = mutation(TeamForm, async (team, { bus }) => callAccounting(bus, 'teams.create', team));
 *
 * Use it with React's useActionState: `(previous, formData) => result`.
 */
export function mutation<S extends z.ZodType, T>(input: S, run: (value: z.output<S>, context: MutationContext) => Promise<T>) {
  return async (_previous: MutationResult<T> | null, formData: FormData): Promise<MutationResult<T>> => {
    try {
      if (!(await isSameOrigin())) throw new Refusal(RefusalCode.CrossOrigin, 'Refused: this request did not come from a page of this app.');
      const user = await requireAdmin();
      const parsed = input.safeParse(formValues(formData));
      if (!parsed.success) {
        const fieldErrors: Record<string, string> = {};
        for (const issue of parsed.error.issues) fieldErrors[issue.path.join('.') || 'form'] ??= issue.message;
        return { ok: false, code: 'invalid', message: 'Some fields need fixing.', fieldErrors };
      }
      return { ok: true, value: await run(parsed.data, { user, bus: await bus() }) };
    } catch (error) {
      unstable_rethrow(error);
      if (error instanceof Refusal) {
        logger().warn({ code: error.code }, 'mutation refused');
        return { ok: false, code: error.code, message: error.message };
      }
      if (error instanceof AccountingCallError) {
        const describe = ACCOUNTING_MESSAGES[error.code];
        if (!describe || error.code === 'unavailable' || error.code === 'unsupported') logger().error({ code: error.code, err: error }, 'accounting refused a mutation');
        return { ok: false, code: error.code, message: describe ? describe(error.message) : 'Accounting failed to make the change; its log has the details.' };
      }
      if (error instanceof WorkerCommandError) {
        logger().warn({ code: error.code, err: error }, 'a worker command failed');
        return { ok: false, code: error.code, message: error.message };
      }
      logger().error({ err: error }, 'mutation failed');
      return { ok: false, code: 'internal', message: 'Something went wrong; the server log has the details.' };
    }
  };
}

/** A form as plain values: one string per field, or an array when the field repeats. Framework fields are dropped. */
function formValues(formData: FormData): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const name of new Set(formData.keys())) {
    if (name.startsWith('$ACTION')) continue;
    const all = formData.getAll(name).filter((value): value is string => typeof value === 'string');
    values[name] = all.length === 1 ? all[0]! : all;
  }
  return values;
}
