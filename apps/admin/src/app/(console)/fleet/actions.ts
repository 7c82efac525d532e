'use server';

import { sendWorkerCommand } from '@corral/bus';
import { z } from 'zod';
import { mutation } from '@/lib/mutation.ts';

const Command = z.object({ workerId: z.string().min(1).max(200), command: z.enum(['cordon', 'uncordon', 'drain']) });

/** Cordon, uncordon or drain one worker; the page sees the result in its next heartbeat too. */
export const commandWorker = mutation(Command, ({ workerId, command }, { bus }) => sendWorkerCommand(bus, workerId, command));
