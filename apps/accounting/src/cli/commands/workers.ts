import { type Bus, sendWorkerCommand } from '@corral/bus';
import { Heartbeat, type WorkerCommandName } from '@corral/protocol';
import { OptionReader, UsageError, type ParsedArguments } from '../arguments.ts';
import type { CommandOutput } from '../output.ts';
import { formatTable } from '../table.ts';

/** The workers' default heartbeat period: how long to listen before any heartbeat says otherwise. */
const DEFAULT_INTERVAL_MS = 1000;
/** Heartbeats listened for: a worker that beat twice within the window is surely heard once. */
const INTERVALS_LISTENED = 2;
/** A worker configured with very slow heartbeats does not hold the command for ever. */
const MAX_LISTEN_MS = 30_000;

const COMMAND_OUTCOME: Record<WorkerCommandName, string> = {
  cordon: 'cordoned: it takes no new jobs and finishes the ones it runs',
  uncordon: 'uncordoned: it takes jobs again',
  drain: 'draining: it takes no new jobs and exits once the ones it runs are done',
};

const USAGE = 'usage: corral workers list | corral workers cordon|uncordon|drain ID';

export async function workersCommand(bus: Bus, parsed: ParsedArguments): Promise<CommandOutput> {
  const action = parsed.positional[1];
  new OptionReader(parsed).finish();
  if (action === 'list') {
    if (parsed.positional.length > 2) throw new UsageError(`unexpected argument: ${parsed.positional[2]}`);
    return listWorkers(bus);
  }
  if (action === 'cordon' || action === 'uncordon' || action === 'drain') {
    const workerId = parsed.positional[2];
    if (!workerId) throw new UsageError(`usage: corral workers ${action} ID`);
    if (parsed.positional.length > 3) throw new UsageError(`unexpected argument: ${parsed.positional[3]}`);
    const result = await sendWorkerCommand(bus, workerId, action);
    return { text: `worker ${result.workerId} ${COMMAND_OUTCOME[action]}`, json: result };
  }
  throw new UsageError(USAGE);
}

/** The live fleet from its heartbeats: every worker heard within about two heartbeat periods. */
async function listWorkers(bus: Bus): Promise<CommandOutput> {
  const workers = await collectHeartbeats(bus);
  const rows = [...workers.values()].sort((a, b) => a.workerId.localeCompare(b.workerId));
  const lines = rows.map((worker) => [
    worker.workerId,
    worker.upstream,
    worker.upstreamVersion ?? '-',
    `${worker.models.filter((model) => model.loaded).length}/${worker.models.length}`,
    `${worker.inflight}/${worker.capacity}`,
    yesNo(worker.upstreamHealthy),
    yesNo(worker.cordoned ?? false),
    yesNo(worker.draining),
  ]);
  const headers = ['ID', 'UPSTREAM', 'VERSION', 'MODELS LOADED/INSTALLED', 'INFLIGHT/CAPACITY', 'HEALTHY', 'CORDONED', 'DRAINING'];
  return { text: rows.length === 0 ? 'no worker heard from (are they running with the same NATS_URL and CORRAL_PREFIX?)' : formatTable(headers, lines), json: rows };
}

function collectHeartbeats(bus: Bus): Promise<Map<string, Heartbeat>> {
  const workers = new Map<string, Heartbeat>();
  const startedAt = Date.now();
  let listenMs = INTERVALS_LISTENED * DEFAULT_INTERVAL_MS;
  return new Promise((resolve) => {
    const subscription = bus.subscribe(bus.subjects.heartbeat(), Heartbeat, (heartbeat) => {
      // A worker's last heartbeat (draining, no models) says it is leaving.
      if (heartbeat.draining && heartbeat.models.length === 0) workers.delete(heartbeat.workerId);
      else workers.set(heartbeat.workerId, heartbeat);
      listenMs = Math.min(MAX_LISTEN_MS, Math.max(listenMs, INTERVALS_LISTENED * heartbeat.intervalMs));
    });
    const check = () => {
      const left = startedAt + listenMs - Date.now();
      if (left > 0) {
        setTimeout(check, left);
        return;
      }
      subscription.unsubscribe();
      resolve(workers);
    };
    setTimeout(check, listenMs);
  });
}

function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}
