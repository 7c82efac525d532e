import { createHash } from 'node:crypto';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import * as tar from 'tar';
import { LauncherError } from './errors.ts';
import { checksumFor, type NatsRelease } from './nats-release.ts';

/** Generous: the archive is a few MB, but a first start may be on a slow link. */
const downloadTimeoutMs = 5 * 60_000;

/** <root>/.corral/bin, where a downloaded nats-server lives. */
export function binDirectory(root: string): string {
  return join(root, '.corral', 'bin');
}

/** Where a release's binary is installed; the version is in the name, so a newer pin downloads afresh. */
export function installedPath(root: string, release: NatsRelease): string {
  const extension = release.binaryName.endsWith('.exe') ? '.exe' : '';
  return join(binDirectory(root), `nats-server-${release.version}${extension}`);
}

/** The downloaded nats-server, when an earlier start installed it. */
export function findInstalled(root: string, release: NatsRelease): string | undefined {
  const path = installedPath(root, release);
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

/**
 * Downloads the release archive and its SHA256SUMS, refuses anything whose SHA-256 differs from
 * the published one, extracts the binary and only then makes it executable under .corral/bin.
 * Work happens in a private staging directory, removed whatever the outcome, so a failed or
 * refused download leaves nothing runnable behind.
 */
export async function downloadNatsServer(root: string, release: NatsRelease, say: (message: string) => void): Promise<string> {
  const directory = binDirectory(root);
  await mkdir(directory, { recursive: true });
  const staging = await mkdtemp(join(directory, '.download-'));
  try {
    const sums = await fetchOk(release.checksumsUrl).then((response) => response.text());
    const expected = checksumFor(sums, release.asset);
    if (expected === undefined) throw new LauncherError(`${release.checksumsUrl} lists no checksum for ${release.asset}; refusing to install an unverified nats-server`);

    say(`downloading ${release.assetUrl}`);
    const archive = join(staging, release.asset);
    const actual = await saveWithSha256(await fetchOk(release.assetUrl), archive);
    if (actual !== expected) {
      throw new LauncherError(
        `checksum mismatch for ${release.asset}: SHA256SUMS says ${expected}, the download is ${actual}. ` +
          'Refusing to install it; nothing was kept. Try again, or check NATS_SERVER_DOWNLOAD_URL if you use a mirror.',
      );
    }
    say(`SHA-256 of ${release.asset} matches the release's SHA256SUMS`);

    const binary = await extractBinary(archive, staging, release);
    const target = installedPath(root, release);
    await chmod(binary, 0o755);
    await rename(binary, target);
    return target;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function fetchOk(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(downloadTimeoutMs) });
  } catch (error) {
    throw new LauncherError(`could not download ${url}: ${describeFetchError(error)}. ${offlineHint}`);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new LauncherError(`could not download ${url}: HTTP ${response.status}. ${offlineHint}`);
  }
  return response;
}

const offlineHint = 'Set NATS_SERVER_DOWNLOAD_URL to a mirror of the nats-server releases, install nats-server on PATH, or set NATS_URL.';

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici puts the network reason (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** Streams a response body to a file and returns its SHA-256 (hex). */
async function saveWithSha256(response: Response, path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    Readable.fromWeb(response.body as ReadableStream<Uint8Array>),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk);
        yield chunk;
      }
    },
    createWriteStream(path),
  );
  return hash.digest('hex');
}

/** Extracts only the executable (release archives wrap it in a directory beside README and LICENSE). */
async function extractBinary(archive: string, staging: string, release: NatsRelease): Promise<string> {
  const into = join(staging, 'extracted');
  await mkdir(into);
  let member: string | undefined;
  try {
    await tar.x({
      file: archive,
      cwd: into,
      strict: true,
      filter: (path, entry) => {
        // Only a plain file inside the archive's own tree; tar also refuses to write outside `cwd`.
        const inside = !isAbsolute(path) && !path.split(/[\\/]/).includes('..');
        const wanted = inside && 'type' in entry && entry.type === 'File' && basename(path) === release.binaryName;
        if (wanted) member = path;
        return wanted;
      },
    });
  } catch (error) {
    throw new LauncherError(`${release.asset} is not a readable tar.gz archive (${error instanceof Error ? error.message : String(error)})`);
  }
  if (member === undefined) {
    throw new LauncherError(`${release.asset} holds no ${release.binaryName}`);
  }
  return join(into, member);
}
