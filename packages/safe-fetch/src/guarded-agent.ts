import type { LookupAddress, LookupOptions } from 'node:dns';
import { Agent, buildConnector } from 'undici';
import { SafeFetchError } from './errors.ts';

/** Returns why a peer address is refused, or undefined to accept it. */
export type PeerCheck = (address: string) => string | undefined;

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * An undici Agent for one hop. Name lookups answer only with the addresses already checked
 * (no second DNS query, so a rebinding answer never reaches the socket), and every socket's
 * real peer is checked again once connected, before a byte of the request is written.
 */
export function createGuardedAgent(hostname: string, pinned: LookupAddress[], checkPeer: PeerCheck): Agent {
  const lookup = (name: string, options: LookupOptions, callback: LookupCallback): void => {
    if (name.toLowerCase() !== hostname.toLowerCase()) {
      callback(new SafeFetchError('blocked_address', `unexpected lookup of ${name}`), []);
      return;
    }
    const wanted = pinned.filter(({ family }) => options.family === undefined || options.family === 0 || options.family === family);
    const first = wanted[0];
    if (first === undefined) {
      callback(Object.assign(new Error(`no pinned address for ${name}`), { code: 'ENOTFOUND' }), []);
      return;
    }
    if (options.all) callback(null, wanted);
    else callback(null, first.address, first.family);
  };
  const connect = buildConnector({ lookup });
  return new Agent({
    connect: (options, callback) => {
      connect(options, (error, socket) => {
        if (error !== null) {
          callback(error, null);
          return;
        }
        const peer = socket.remoteAddress;
        const refusal = peer === undefined ? 'unknown peer address' : checkPeer(peer);
        if (refusal === undefined) {
          callback(null, socket);
          return;
        }
        socket.destroy();
        callback(new SafeFetchError('blocked_address', `connection to ${peer ?? 'an unknown peer'} refused: ${refusal}`), null);
      });
    },
  });
}
