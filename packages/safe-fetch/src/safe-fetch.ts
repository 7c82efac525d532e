import { findSafeFetchError, SafeFetchError } from './errors.ts';
import { fetchHop, type FetchedBody } from './hop.ts';
import { parseTarget } from './host.ts';
import { resolvePolicy, type ResolvedPolicy, type SafeFetchPolicy } from './policy.ts';

/**
 * Downloads a user-supplied URL without letting it reach internal services: every hop is
 * resolved, every address checked, and the connection pinned to the checked addresses.
 * Failures are always a SafeFetchError.
 */
export async function safeFetch(url: string, policy?: SafeFetchPolicy): Promise<FetchedBody> {
  const settings = resolvePolicy(policy);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  try {
    return await followRedirects(url, settings, controller.signal);
  } catch (error) {
    throw classify(error, controller.signal, settings);
  } finally {
    clearTimeout(timer);
  }
}

async function followRedirects(url: string, policy: ResolvedPolicy, signal: AbortSignal): Promise<FetchedBody> {
  let target = parseTarget(url);
  for (let redirects = 0; ; redirects += 1) {
    const outcome = await fetchHop(target, policy, signal);
    if (outcome.kind === 'body') return outcome.result;
    if (redirects >= policy.maxRedirects) {
      throw new SafeFetchError('too_many_redirects', `more than ${policy.maxRedirects} redirects`);
    }
    target = parseTarget(outcome.location, target.url);
  }
}

function classify(error: unknown, signal: AbortSignal, policy: ResolvedPolicy): SafeFetchError {
  const known = findSafeFetchError(error);
  if (known !== undefined) return known;
  if (signal.aborted) return new SafeFetchError('timeout', `fetch took longer than ${policy.timeoutMs} ms`);
  const message = error instanceof Error ? error.message : String(error);
  return new SafeFetchError('network', `fetch failed: ${message}`, { cause: error });
}
