import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'undici';
import { addressRefusal } from './address.ts';
import { assertDeclaredLength, readCapped } from './body.ts';
import { acceptedContentType } from './content-type.ts';
import { SafeFetchError } from './errors.ts';
import { createGuardedAgent } from './guarded-agent.ts';
import { isExempt, type Target } from './host.ts';
import type { ResolvedPolicy } from './policy.ts';
import { resolveTarget } from './resolve.ts';

export interface FetchedBody {
  bytes: Uint8Array;
  contentType: string;
  finalUrl: string;
}

export type HopOutcome = { kind: 'redirect'; location: string } | { kind: 'body'; result: FetchedBody };

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** One GET against one vetted target; redirects are reported, never followed here. */
export async function fetchHop(target: Target, policy: ResolvedPolicy, signal: AbortSignal): Promise<HopOutcome> {
  const exempt = isExempt(target, policy.allowedHosts);
  const addresses = await resolveTarget(target, policy.allowPrivate, exempt, signal);
  const agent = createGuardedAgent(target.hostname, addresses, (address) => (exempt ? undefined : addressRefusal(address, policy.allowPrivate)));
  try {
    const response = await request(target.url, {
      method: 'GET',
      dispatcher: agent,
      signal,
      headers: {
        accept: policy.allowedContentTypes.join(', '),
        // undici's request() does not decompress; asking for identity keeps maxBytes about real bytes.
        'accept-encoding': 'identity',
        'user-agent': 'corral-image-fetch',
      },
    });
    try {
      const { statusCode, headers } = response;
      if (redirectStatuses.has(statusCode)) {
        const location = firstHeader(headers, 'location');
        if (location === undefined) throw new SafeFetchError('bad_status', `redirect ${statusCode} without a Location`);
        return { kind: 'redirect', location };
      }
      if (statusCode < 200 || statusCode > 299) throw new SafeFetchError('bad_status', `${target.url.origin} answered ${statusCode}`);
      const contentType = acceptedContentType(firstHeader(headers, 'content-type'), policy.allowedContentTypes);
      assertDeclaredLength(firstHeader(headers, 'content-length'), policy.maxBytes);
      const bytes = await readCapped(response.body, policy.maxBytes);
      return { kind: 'body', result: { bytes, contentType, finalUrl: target.url.href } };
    } finally {
      // Destroying an unread undici body emits an AbortError; nobody else listens, so swallow it here.
      response.body.on('error', () => undefined);
      response.body.destroy();
    }
  } finally {
    await agent.destroy();
  }
}

function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
