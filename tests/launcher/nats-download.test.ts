import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Output } from '../../scripts/start/child.ts';
import { LauncherError } from '../../scripts/start/errors.ts';
import { natsInstallHint, resolveNats } from '../../scripts/start/nats.ts';
import { natsReleaseFor, natsServerVersion, type NatsRelease } from '../../scripts/start/nats-release.ts';
import { canConnect } from '../../scripts/start/probe.ts';
import { Supervisor } from '../../scripts/start/supervisor.ts';
import { findOnPath } from '../../scripts/start/which.ts';

/**
 * A local HTTP server stands in for the release host: it serves a real tar.gz, laid out like the
 * official one, holding the machine's own nats-server binary, and the SHA256SUMS beside it.
 */
const realBinary = findOnPath('nats-server', process.env.PATH);
const silent: Output = { out: () => undefined, err: () => undefined };

let work: string;
let archive: Buffer;
let release: NatsRelease;
let releaseHost: Server;
let baseUrl: string;
const files = new Map<string, Buffer>();
const requested: string[] = [];

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A port nothing listens on: where the launcher looks for an already running NATS. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  expect(realBinary, 'nats-server must be on PATH for this test').toBeDefined();
  work = mkdtempSync(join(tmpdir(), 'corral-nats-download-'));
  releaseHost = createServer((request, response) => {
    requested.push(request.url ?? '');
    const body = files.get(request.url ?? '');
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' }).end(body ?? 'not found');
  });
  baseUrl = `http://127.0.0.1:${await listen(releaseHost)}/releases`;
  release = natsReleaseFor(process.platform, process.arch, baseUrl);

  // The official layout: the binary in a directory named after the asset, beside README and LICENSE.
  const tree = join(work, 'tree');
  const top = release.asset.replace(/\.tar\.gz$/, '');
  mkdirSync(join(tree, top), { recursive: true });
  copyFileSync(realBinary!, join(tree, top, release.binaryName));
  writeFileSync(join(tree, top, 'README.md'), 'NATS server\n');
  writeFileSync(join(tree, top, 'LICENSE'), 'Apache-2.0\n');
  const archivePath = join(work, release.asset);
  await tar.c({ gzip: true, file: archivePath, cwd: tree, portable: true }, [top]);
  archive = readFileSync(archivePath);
});

afterAll(async () => {
  await new Promise((resolve) => releaseHost?.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

function publishChecksums(lines: string[]): void {
  files.set(`/releases/${natsServerVersion}/SHA256SUMS`, Buffer.from(`${lines.join('\n')}\n`));
}

let root: string;
const supervisors: Supervisor[] = [];
const said: string[] = [];

beforeEach(() => {
  root = mkdtempSync(join(work, 'checkout-'));
  files.clear();
  files.set(`/releases/${natsServerVersion}/${release.asset}`, archive);
  publishChecksums([`${'0'.repeat(64)}  nats-server-${natsServerVersion}-some-other-platform.tar.gz`, `${sha256(archive)}  ${release.asset}`]);
  requested.length = 0;
  said.length = 0;
});

afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((supervisor) => supervisor.shutdown(0)));
});

async function resolveWithoutNats(env: Record<string, string>) {
  const supervisor = new Supervisor(() => undefined, silent);
  supervisors.push(supervisor);
  // An empty PATH: no nats-server installed; a closed port: no NATS running.
  const nats = await resolveNats({ PATH: join(root, 'empty'), NATS_SERVER_DOWNLOAD_URL: baseUrl, ...env }, supervisor, root, {
    say: (message) => said.push(message),
    localPort: await closedPort(),
  });
  return { nats, supervisor };
}

/** Every file under .corral/bin that anyone could run. */
function executablesInBin(): string[] {
  const bin = join(root, '.corral', 'bin');
  let entries: string[];
  try {
    entries = readdirSync(bin, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries.filter((entry) => {
    const stats = statSync(join(bin, entry));
    return stats.isFile() && (stats.mode & 0o111) !== 0;
  });
}

describe('downloading nats-server when none is found', () => {
  it('downloads the release, verifies it against SHA256SUMS, extracts it into .corral/bin and starts it', async () => {
    const { nats, supervisor } = await resolveWithoutNats({});

    const installed = join(root, '.corral', 'bin', `nats-server-${natsServerVersion}${release.binaryName.endsWith('.exe') ? '.exe' : ''}`);
    expect(requested).toEqual([`/releases/${natsServerVersion}/SHA256SUMS`, `/releases/${natsServerVersion}/${release.asset}`]);
    expect(said).toContain(`SHA-256 of ${release.asset} matches the release's SHA256SUMS`);
    expect(readFileSync(installed).equals(readFileSync(realBinary!))).toBe(true);
    expect(executablesInBin()).toEqual([`nats-server-${natsServerVersion}`]);
    expect(nats.source).toBe(`nats-server started here (${installed}, JetStream in ${join('.corral', 'nats')})`);
    expect(await canConnect('127.0.0.1', Number(new URL(nats.url).port))).toBe(true);
    await supervisor.shutdown(0);

    // The next start finds it and downloads nothing.
    const again = await resolveWithoutNats({});
    expect(requested).toHaveLength(2);
    expect(again.nats.source).toContain(installed);
  });

  it('refuses a download whose SHA-256 differs from the published one and leaves nothing executable', async () => {
    const forged = 'f'.repeat(64);
    publishChecksums([`${forged}  ${release.asset}`]);

    const refused = resolveWithoutNats({});
    await expect(refused).rejects.toThrow(LauncherError);
    await expect(refused).rejects.toThrow(`checksum mismatch for ${release.asset}: SHA256SUMS says ${forged}, the download is ${sha256(archive)}`);
    expect(executablesInBin()).toEqual([]);
    expect(readdirSync(join(root, '.corral', 'bin'))).toEqual([]);
  });

  it('refuses to install when SHA256SUMS does not list the asset', async () => {
    publishChecksums([`${sha256(archive)}  nats-server-${natsServerVersion}-some-other-platform.tar.gz`]);
    await expect(resolveWithoutNats({})).rejects.toThrow(`${baseUrl}/${natsServerVersion}/SHA256SUMS lists no checksum for ${release.asset}; refusing to install an unverified nats-server`);
    expect(requested).toEqual([`/releases/${natsServerVersion}/SHA256SUMS`]);
    expect(executablesInBin()).toEqual([]);
  });

  it('says which URL failed, and what to do, when the release host does not have it', async () => {
    files.delete(`/releases/${natsServerVersion}/${release.asset}`);
    await expect(resolveWithoutNats({})).rejects.toThrow(`could not download ${baseUrl}/${natsServerVersion}/${release.asset}: HTTP 404. Set NATS_SERVER_DOWNLOAD_URL to a mirror`);
    expect(executablesInBin()).toEqual([]);
  });

  it('with CORRAL_NO_DOWNLOAD=1 refuses to download and says what to install, contacting nothing', async () => {
    await expect(resolveWithoutNats({ CORRAL_NO_DOWNLOAD: '1' })).rejects.toThrow(natsInstallHint);
    expect(requested).toEqual([]);
    expect(executablesInBin()).toEqual([]);
  });
});
