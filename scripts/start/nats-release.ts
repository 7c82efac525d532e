import { LauncherError } from './errors.ts';

/**
 * The nats-server release `pnpm start` downloads when none is installed: the 2.9 line that the
 * test suite runs against, at its last patch release. 2.9 releases publish a tar.gz for every
 * platform (later lines ship Windows as zip only), each listed in the release's SHA256SUMS.
 */
export const natsServerVersion = 'v2.9.25';

/** Where GitHub serves release assets; NATS_SERVER_DOWNLOAD_URL replaces it for a mirror. */
export const defaultNatsDownloadUrl = 'https://github.com/nats-io/nats-server/releases/download';

export interface NatsRelease {
  version: string;
  /** e.g. nats-server-v2.9.25-linux-amd64.tar.gz */
  asset: string;
  /** The executable's file name inside the archive (nats-server, or nats-server.exe on Windows). */
  binaryName: string;
  assetUrl: string;
  checksumsUrl: string;
}

const releaseOs: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin', win32: 'windows', freebsd: 'freebsd' };
const releaseArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', s390x: 's390x', mips64el: 'mips64le' };

/** Node's arm is 32-bit ARM; the release names its builds by ARM version (arm6, arm7). */
function armName(armVersion: string | undefined): string {
  return armVersion === '6' ? 'arm6' : 'arm7';
}

/**
 * The release asset for a platform, laid out as on GitHub: `<base>/<version>/<asset>` beside
 * `<base>/<version>/SHA256SUMS`. A mirror keeps the same layout.
 */
export function natsReleaseFor(platform: NodeJS.Platform, arch: string, baseUrl = defaultNatsDownloadUrl, armVersion?: string): NatsRelease {
  const os = releaseOs[platform];
  const cpu = arch === 'arm' ? armName(armVersion) : releaseArch[arch];
  if (os === undefined || cpu === undefined) {
    throw new LauncherError(`no nats-server release is published for ${platform}/${arch}; install nats-server yourself (https://github.com/nats-io/nats-server/releases) or set NATS_URL`);
  }
  const base = baseUrl.replace(/\/+$/, '');
  const asset = `nats-server-${natsServerVersion}-${os}-${cpu}.tar.gz`;
  return {
    version: natsServerVersion,
    asset,
    binaryName: os === 'windows' ? 'nats-server.exe' : 'nats-server',
    assetUrl: `${base}/${natsServerVersion}/${asset}`,
    checksumsUrl: `${base}/${natsServerVersion}/SHA256SUMS`,
  };
}

/** The SHA-256 that a SHA256SUMS file (`<hex>  <file name>` per line, as sha256sum writes it) lists for a file. */
export function checksumFor(sums: string, fileName: string): string | undefined {
  for (const line of sums.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line);
    if (match && match[2] === fileName) return match[1]!.toLowerCase();
  }
  return undefined;
}
