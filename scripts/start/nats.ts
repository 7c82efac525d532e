import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setting, type Environment } from './environment.ts';
import { LauncherError } from './errors.ts';
import { canConnect, pickPort, waitForPort } from './probe.ts';
import type { Supervisor } from './supervisor.ts';
import { findOnPath } from './which.ts';

export const defaultNatsPort = 4222;

export interface NatsFacts {
  /** NATS_URL, when set. */
  natsUrl: string | undefined;
  /** Something accepts connections on 127.0.0.1:4222. */
  localAnswers: boolean;
  /** Where nats-server is on PATH, if it is. */
  natsServerPath: string | undefined;
}

export type NatsDecision =
  | { kind: 'use'; url: string; source: string }
  | { kind: 'start'; binary: string }
  | { kind: 'missing'; message: string };

export const natsInstallHint = `NATS is required and none was found: NATS_URL is not set, nothing answers on 127.0.0.1:${defaultNatsPort} and nats-server is not on PATH.
Install one of:
  Debian/Ubuntu:  sudo apt-get install nats-server
  Other systems:  the nats-server release binary from https://github.com/nats-io/nats-server/releases, on PATH
  Docker:         POSTGRES_PASSWORD=<choose one> docker compose up -d nats   (compose requires the variable)
or set NATS_URL to a NATS server with JetStream enabled.`;

/** Explicit configuration first, then a server already running locally, then one we start. */
export function decideNats(facts: NatsFacts): NatsDecision {
  if (facts.natsUrl !== undefined) return { kind: 'use', url: facts.natsUrl, source: 'NATS_URL' };
  if (facts.localAnswers) {
    return { kind: 'use', url: `nats://127.0.0.1:${defaultNatsPort}`, source: `NATS already running on 127.0.0.1:${defaultNatsPort}` };
  }
  if (facts.natsServerPath !== undefined) return { kind: 'start', binary: facts.natsServerPath };
  return { kind: 'missing', message: natsInstallHint };
}

export async function gatherNatsFacts(env: Environment): Promise<NatsFacts> {
  const natsUrl = setting(env, 'NATS_URL');
  if (natsUrl !== undefined) return { natsUrl, localAnswers: false, natsServerPath: undefined };
  const localAnswers = await canConnect('127.0.0.1', defaultNatsPort);
  return { natsUrl, localAnswers, natsServerPath: localAnswers ? undefined : findOnPath('nats-server', env.PATH) };
}

/** The NATS to use; a nats-server started here is supervised and stopped with the launcher. */
export async function resolveNats(env: Environment, supervisor: Supervisor, root: string): Promise<{ url: string; source: string }> {
  const decision = decideNats(await gatherNatsFacts(env));
  if (decision.kind === 'use') return { url: decision.url, source: decision.source };
  if (decision.kind === 'missing') throw new LauncherError(decision.message);

  return startNatsServer(decision.binary, supervisor, root, env);
}

/** Starts nats-server with JetStream under <root>/.corral/nats on 4222 (or a free port) and waits until it answers. */
export async function startNatsServer(binary: string, supervisor: Supervisor, root: string, env: Environment): Promise<{ url: string; source: string }> {
  const port = await pickPort(defaultNatsPort);
  const storeDirectory = join(root, '.corral', 'nats');
  mkdirSync(storeDirectory, { recursive: true });
  const child = supervisor.start(
    {
      name: 'nats',
      command: binary,
      args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDirectory],
      cwd: root,
      env: { ...env },
    },
    'infrastructure',
  );
  if (!(await waitForPort('127.0.0.1', port, 15_000, () => child.isRunning()))) {
    throw new LauncherError(`nats-server (${binary}) did not start listening on 127.0.0.1:${port}; its output is above`);
  }
  return { url: `nats://127.0.0.1:${port}`, source: `nats-server started here (${binary}, JetStream in ${relative(root, storeDirectory)})` };
}
