import { z } from 'zod';
import { BusError, type ErrorCode } from './errors.ts';
import { PROTOCOL_VERSION } from './version.ts';

export const WorkerCommandName = { Cordon: 'cordon', Uncordon: 'uncordon', Drain: 'drain' } as const;
export type WorkerCommandName = (typeof WorkerCommandName)[keyof typeof WorkerCommandName];

/**
 * An operator's command to one worker (request/reply on its command subject).
 * - cordon: take no new jobs, finish the ones in flight (shown in its heartbeat);
 * - uncordon: take jobs again;
 * - drain: cordon, and exit once the jobs in flight are done (as SIGTERM does).
 */
export const WorkerCommand = z.object({
  v: z.literal(PROTOCOL_VERSION),
  command: z.enum([WorkerCommandName.Cordon, WorkerCommandName.Uncordon, WorkerCommandName.Drain]),
});
export type WorkerCommand = z.infer<typeof WorkerCommand>;

/** The worker's state once the command took effect. */
export const WorkerCommandResult = z.object({ v: z.literal(PROTOCOL_VERSION), workerId: z.string(), cordoned: z.boolean(), draining: z.boolean() });
export type WorkerCommandResult = z.infer<typeof WorkerCommandResult>;

/** Every answer on a worker's command subject: its state, or an error value (a malformed or refused command). */
export const WorkerCommandReply = z.discriminatedUnion('ok', [
  z.object({ v: z.literal(PROTOCOL_VERSION), ok: z.literal(true), result: WorkerCommandResult }),
  z.object({ v: z.literal(PROTOCOL_VERSION), ok: z.literal(false), error: BusError }),
]);
export type WorkerCommandReply = z.infer<typeof WorkerCommandReply>;

export function workerCommandOk(result: Omit<WorkerCommandResult, 'v'>): WorkerCommandReply {
  return { v: PROTOCOL_VERSION, ok: true, result: { v: PROTOCOL_VERSION, ...result } };
}

export function workerCommandError(code: ErrorCode, message: string): WorkerCommandReply {
  return { v: PROTOCOL_VERSION, ok: false, error: { code, message, retryable: false } };
}
