import { lookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { abortable } from './abortable.ts';
import { addressRefusal } from './address.ts';
import { SafeFetchError } from './errors.ts';
import { hostnameRefusal, type Target } from './host.ts';

/**
 * The addresses a hop will connect to, every one of them checked. A name resolving to one
 * public and one private address is refused: the connection could land on either.
 */
export async function resolveTarget(target: Target, allowPrivate: boolean, exempt: boolean, signal: AbortSignal): Promise<LookupAddress[]> {
  if (target.literal !== 0) {
    const addresses = [{ address: target.hostname, family: target.literal }];
    if (!exempt) assertAllowed(target, addresses, allowPrivate);
    return addresses;
  }
  if (!exempt) {
    const refusal = hostnameRefusal(target.matchName, allowPrivate);
    if (refusal !== undefined) throw new SafeFetchError('blocked_address', `${target.matchName} refused: ${refusal}`);
  }
  let addresses: LookupAddress[];
  try {
    addresses = await abortable(lookup(target.hostname, { all: true, order: 'verbatim' }), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw new SafeFetchError('network', `could not resolve ${target.matchName}`, { cause: error });
  }
  if (addresses.length === 0) throw new SafeFetchError('network', `${target.matchName} has no addresses`);
  if (!exempt) assertAllowed(target, addresses, allowPrivate);
  return addresses;
}

function assertAllowed(target: Target, addresses: LookupAddress[], allowPrivate: boolean): void {
  for (const { address } of addresses) {
    const refusal = addressRefusal(address, allowPrivate);
    if (refusal !== undefined) {
      throw new SafeFetchError('blocked_address', `${target.matchName} refused: ${address} is a ${refusal}`);
    }
  }
}
