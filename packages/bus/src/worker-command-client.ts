import { errors } from '@nats-io/nats-core';
import { PROTOCOL_VERSION, WorkerCommandReply, type BusError, type WorkerCommandName, type WorkerCommandResult } from '@corral/protocol';
import type { Bus } from './bus.ts';
import { decodeWith, encodeJson } from './codec.ts';

/** A worker's error reply, or no reply at all (`unavailable`: no such worker, or it did not answer in time). */
export class WorkerCommandError extends Error {
  constructor(
    readonly code: BusError['code'] | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'WorkerCommandError';
  }
}

export interface SendWorkerCommandOptions {
  /** How long to wait for the worker's answer. Default: 5000 ms. */
  timeoutMs?: number;
}

/**
 * Sends cordon, uncordon or drain to one worker and returns its state once the command took effect,
 * or throws WorkerCommandError. A worker id nobody listens to fails at once (NATS says there are no
 * responders), not at the timeout.
 */
export async function sendWorkerCommand(bus: Bus, workerId: string, command: WorkerCommandName, options: SendWorkerCommandOptions = {}): Promise<WorkerCommandResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  let subject: string;
  try {
    subject = bus.subjects.workerCommands(workerId);
  } catch {
    throw new WorkerCommandError('bad_request', `not a worker id: ${JSON.stringify(workerId)}`);
  }
  let data: Uint8Array;
  try {
    data = await bus.requestBytes(subject, encodeJson({ v: PROTOCOL_VERSION, command }), timeoutMs);
  } catch (error) {
    throw new WorkerCommandError('unavailable', unansweredMessage(workerId, bus.subjects.prefix, error, timeoutMs));
  }
  let reply: WorkerCommandReply;
  try {
    reply = decodeWith(WorkerCommandReply, data);
  } catch (error) {
    throw new WorkerCommandError('internal', `worker ${workerId} sent an unreadable answer: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!reply.ok) throw new WorkerCommandError(reply.error.code, reply.error.message);
  return reply.result;
}

function unansweredMessage(workerId: string, prefix: string, error: unknown, timeoutMs: number): string {
  if (error instanceof errors.RequestError && error.isNoResponders()) {
    return `no worker ${workerId} is listening under prefix ${prefix}; is the id right, and does the worker use the same NATS_URL and CORRAL_PREFIX?`;
  }
  if (error instanceof errors.TimeoutError || (error instanceof Error && error.cause instanceof errors.TimeoutError)) {
    return `worker ${workerId} did not answer within ${timeoutMs} ms`;
  }
  return `worker ${workerId} did not answer (${error instanceof Error ? error.message : String(error)})`;
}
