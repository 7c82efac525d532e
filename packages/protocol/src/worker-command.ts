import { z } from 'zod';
import { PROTOCOL_VERSION } from './version.ts';

/**
 * An operator's command to one worker (request/reply on its command subject).
 * - cordon: take no new jobs, finish the ones in flight (shown in its heartbeat);
 * - uncordon: take jobs again;
 * - drain: cordon, and exit once the jobs in flight are done.
 */
export const WorkerCommand = z.object({ v: z.literal(PROTOCOL_VERSION), command: z.enum(['cordon', 'uncordon', 'drain']) });
export type WorkerCommand = z.infer<typeof WorkerCommand>;

export const WorkerCommandResult = z.object({ v: z.literal(PROTOCOL_VERSION), workerId: z.string(), cordoned: z.boolean(), draining: z.boolean() });
export type WorkerCommandResult = z.infer<typeof WorkerCommandResult>;
