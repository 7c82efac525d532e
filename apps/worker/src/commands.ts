import type { Bus, Msg, Subscription } from '@corral/bus';
import { decodeWith, encodeJson } from '@corral/bus';
import { ErrorCode, WorkerCommand, workerCommandError, workerCommandOk, type WorkerCommandReply } from '@corral/protocol';
import type { Logger } from '@corral/log';

/** What an operator's command acts on: the worker's admission state. */
export interface CommandTarget {
  readonly workerId: string;
  isCordoned(): boolean;
  isDraining(): boolean;
  /** Sets the cordon (and tells the fleet at once when it changed). */
  setCordoned(cordoned: boolean): void;
  /** Starts the drain that ends with the worker's exit; must mark the worker draining before it returns. */
  startDrain(): void;
}

/**
 * Answers cordon, uncordon and drain on the worker's command subject. Every request gets a reply:
 * the worker's state once the command took effect, or an error value for a command that does not
 * decode or cannot be honoured.
 */
export function subscribeCommands(bus: Bus, target: CommandTarget, logger: Logger): Subscription {
  return bus.nc.subscribe(bus.subjects.workerCommands(target.workerId), {
    callback: (error, msg) => {
      if (!error) answer(msg, execute(msg, target, logger));
    },
  });
}

function execute(msg: Msg, target: CommandTarget, logger: Logger): WorkerCommandReply {
  let command: WorkerCommand;
  try {
    command = decodeWith(WorkerCommand, msg.data);
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 500) : 'not a worker command';
    logger.warn({ detail }, 'invalid worker command refused');
    return workerCommandError(ErrorCode.BadRequest, `invalid worker command: ${detail}`);
  }
  switch (command.command) {
    case 'cordon':
      target.setCordoned(true);
      break;
    case 'uncordon':
      // A drain ends in the worker's exit; taking jobs again would leave them to be cut off.
      if (target.isDraining()) return workerCommandError(ErrorCode.Conflict, `worker ${target.workerId} is draining and cannot be uncordoned`);
      target.setCordoned(false);
      break;
    case 'drain':
      target.setCordoned(true);
      target.startDrain();
      break;
  }
  logger.info({ command: command.command, cordoned: target.isCordoned(), draining: target.isDraining() }, 'worker command applied');
  return workerCommandOk({ workerId: target.workerId, cordoned: target.isCordoned(), draining: target.isDraining() });
}

/** A request without a reply subject gets no answer, but its command still applies. */
function answer(msg: Msg, reply: WorkerCommandReply): void {
  if (msg.reply) msg.respond(encodeJson(reply));
}
