import type { IncomingMessage } from 'node:http';

/** Past this much discarded upload (or time) the connection is simply closed. */
const MAX_DISCARDED_BYTES = 256 * 1024 * 1024;
const MAX_DISCARD_MS = 15_000;
/** A client silent this long while we discard has stopped uploading (or never meant to). */
export const DISCARD_IDLE_MS = 1_000;

/**
 * Reads and throws away the rest of a request body we refused, so a client that is still uploading
 * can read our error response instead of seeing the connection reset (EPIPE) mid-upload.
 */
export function discardRequestBody(request: IncomingMessage, options: { idleMs?: number } = {}): Promise<boolean> {
  if (request.complete || request.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let discarded = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    const resetIdle = () => {
      if (options.idleMs === undefined) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => finish(false), options.idleMs);
    };
    const finish = (drained: boolean) => {
      clearTimeout(timer);
      clearTimeout(idleTimer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      resolve(drained);
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > MAX_DISCARDED_BYTES) finish(false);
      else resetIdle();
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    const timer = setTimeout(() => finish(false), MAX_DISCARD_MS);
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    resetIdle();
    request.resume();
  });
}
