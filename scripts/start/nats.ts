import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isEnabled, setting, type Environment } from './environment.ts';
import { LauncherError } from './errors.ts';
import { binDirectory, downloadNatsServer, findInstalled } from './nats-download.ts';
import { natsReleaseFor, type NatsRelease } from './nats-release.ts';
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
  /** The nats-server an earlier start downloaded into .corral/bin, if any. */
  downloadedPath: string | undefined;
  /** CORRAL_NO_DOWNLOAD=1: never fetch nats-server. */
  downloadRefused: boolean;
}

export type NatsDecision =
  | { kind: 'use'; url: string; source: string }
  | { kind: 'start'; binary: string }
  | { kind: 'download' }
  | { kind: 'missing'; message: string };

export const natsInstallHint = `NATS is required and none was found: NATS_URL is not set, nothing answers on 127.0.0.1:${defaultNatsPort}, nats-server is not on PATH
and CORRAL_NO_DOWNLOAD=1 forbids downloading it into .corral/bin (unset it to let \`pnpm start\` fetch the official release).
Install one of:
  Debian/Ubuntu:  sudo apt-get install nats-server
  Other systems:  the nats-server release binary from https://github.com/nats-io/nats-server/releases, on PATH
  Docker:         POSTGRES_PASSWORD=<choose one> docker compose up -d nats   (compose requires the variable)
or set NATS_URL to a NATS server with JetStream enabled.`;

/** Explicit configuration first, then a server already running locally, then one we start (installed, else downloaded). */
export function decideNats(facts: NatsFacts): NatsDecision {
  if (facts.natsUrl !== undefined) return { kind: 'use', url: facts.natsUrl, source: 'NATS_URL' };
  if (facts.localAnswers) {
    return { kind: 'use', url: `nats://127.0.0.1:${defaultNatsPort}`, source: `NATS already running on 127.0.0.1:${defaultNatsPort}` };
  }
  if (facts.natsServerPath !== undefined) return { kind: 'start', binary: facts.natsServerPath };
  if (facts.downloadedPath !== undefined) return { kind: 'start', binary: facts.downloadedPath };
  if (!facts.downloadRefused) return { kind: 'download' };
  return { kind: 'missing', message: natsInstallHint };
}

export interface NatsOptions {
  say: (message: string) => void;
  /** Where a NATS already running would answer; tests move it off the machine's own 4222. */
  localPort?: number;
  /** The platform whose release is downloaded; this machine's unless a test says otherwise. */
  platform?: NodeJS.Platform;
  arch?: string;
}

function releaseFor(env: Environment, options: NatsOptions): NatsRelease {
  const armVersion = (process.config.variables as { arm_version?: string }).arm_version;
  return natsReleaseFor(options.platform ?? process.platform, options.arch ?? process.arch, setting(env, 'NATS_SERVER_DOWNLOAD_URL'), armVersion);
}

export async function gatherNatsFacts(env: Environment, root: string, options: NatsOptions): Promise<NatsFacts> {
  const none = { localAnswers: false, natsServerPath: undefined, downloadedPath: undefined, downloadRefused: isEnabled(env, 'CORRAL_NO_DOWNLOAD') };
  const natsUrl = setting(env, 'NATS_URL');
  if (natsUrl !== undefined) return { ...none, natsUrl };
  if (await canConnect('127.0.0.1', options.localPort ?? defaultNatsPort)) return { ...none, natsUrl, localAnswers: true };
  const natsServerPath = findOnPath(process.platform === 'win32' ? 'nats-server.exe' : 'nats-server', env.PATH);
  if (natsServerPath !== undefined) return { ...none, natsUrl, natsServerPath };
  let downloadedPath: string | undefined;
  try {
    downloadedPath = findInstalled(root, releaseFor(env, options));
  } catch (error) {
    // No release for this platform: the download decision below says so.
    if (!(error instanceof LauncherError)) throw error;
  }
  return { ...none, natsUrl, downloadedPath };
}

/** The NATS to use; a nats-server started here (installed or downloaded) is supervised and stopped with the launcher. */
export async function resolveNats(env: Environment, supervisor: Supervisor, root: string, options: NatsOptions): Promise<{ url: string; source: string }> {
  const decision = decideNats(await gatherNatsFacts(env, root, options));
  if (decision.kind === 'use') return { url: decision.url, source: decision.source };
  if (decision.kind === 'missing') throw new LauncherError(decision.message);
  if (decision.kind === 'start') return startNatsServer(decision.binary, supervisor, root, env);

  const release = releaseFor(env, options);
  options.say(`nats-server is not installed (not on PATH, not in ${relative(root, binDirectory(root))}); fetching the official ${release.version} release (CORRAL_NO_DOWNLOAD=1 refuses)`);
  const binary = await downloadNatsServer(root, release, options.say);
  options.say(`installed ${relative(root, binary)}`);
  return startNatsServer(binary, supervisor, root, env);
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
