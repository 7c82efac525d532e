import type { EdgeConfig } from '@corral/config';
import { safeFetch, SafeFetchError, type SafeFetchPolicy } from '@corral/safe-fetch';
import { FailureKind, HttpError } from '../errors/http-error.ts';

/**
 * Downloads one request runs at once. A request may list hundreds of URLs; without a bound the
 * edge would open that many connections in one burst (an amplifier aimed at whichever host the
 * URLs name) and hold every body in memory at the same time.
 */
export const IMAGE_FETCH_CONCURRENCY = 8;

export function imagePolicy(config: EdgeConfig): SafeFetchPolicy {
  return {
    allowPrivate: config.IMAGE_FETCH_ALLOW_PRIVATE,
    allowedHosts: config.IMAGE_FETCH_ALLOWED_HOSTS,
    maxBytes: config.IMAGE_FETCH_MAX_BYTES,
    timeoutMs: config.IMAGE_FETCH_TIMEOUT_MS,
  };
}

async function fetchOne(url: string, policy: SafeFetchPolicy, paramOf: (url: string) => string): Promise<string> {
  try {
    const image = await safeFetch(url, policy);
    return Buffer.from(image.bytes).toString('base64');
  } catch (error) {
    const reason = error instanceof SafeFetchError ? `${error.code}: ${error.message}` : 'it could not be downloaded';
    throw new HttpError(400, FailureKind.InvalidRequest, `Failed to fetch image URL ${JSON.stringify(url)} (${reason}).`, { code: 'invalid_image_url', param: paramOf(url) });
  }
}

/**
 * Downloads every http(s) image URL of a request (Ollama only takes inline bytes), each once and
 * at most IMAGE_FETCH_CONCURRENCY at a time, and returns them as base64 by URL. A URL that cannot be
 * fetched safely fails the request with a 400 that names it (`paramOf` says where the URL sits in
 * the request); no further download starts after a failure.
 */
export async function fetchImages(
  urls: readonly string[],
  policy: SafeFetchPolicy,
  paramOf: (url: string) => string = () => 'messages',
): Promise<Map<string, string>> {
  const queue = [...new Set(urls)];
  const fetched = new Map<string, string>();
  let failed = false;
  const downloader = async () => {
    for (let url = queue.shift(); url !== undefined && !failed; url = queue.shift()) {
      try {
        fetched.set(url, await fetchOne(url, policy, paramOf));
      } catch (error) {
        // The first failure answers the request at once; downloads already running are left to end.
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IMAGE_FETCH_CONCURRENCY, queue.length) }, downloader));
  return fetched;
}
