import { fleetWatch } from '@/lib/fleet.ts';
import { currentSession } from '@/lib/session.ts';

export const dynamic = 'force-dynamic';

/** At most this many snapshots a second per stream, however many workers beat. */
const MIN_GAP_MS = 250;
/** A comment line now and then keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * The live fleet as Server-Sent Events: one `data:` line with the whole fleet (JSON array of
 * FleetWorker) on every change, throttled. Signed-in users only (the session cookie).
 */
export async function GET(request: Request): Promise<Response> {
  if (!(await currentSession())) return new Response('sign in first\n', { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  const watch = await fleetWatch();
  const encoder = new TextEncoder();
  let cleanup = () => {};

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let lastSent = 0;
      let pending: NodeJS.Timeout | undefined;
      let closed = false;
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const send = () => {
        pending = undefined;
        lastSent = Date.now();
        write(`data: ${JSON.stringify(watch.snapshot())}\n\n`);
      };
      const schedule = () => {
        if (pending) return;
        pending = setTimeout(send, Math.max(0, lastSent + MIN_GAP_MS - Date.now()));
      };
      const keepalive = setInterval(() => write(': keepalive\n\n'), KEEPALIVE_MS);
      const stop = watch.onChange(schedule);
      cleanup = () => {
        if (closed) return;
        closed = true;
        stop();
        clearInterval(keepalive);
        if (pending) clearTimeout(pending);
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };
      request.signal.addEventListener('abort', () => cleanup());
      write('retry: 2000\n\n');
      send();
    },
    cancel() {
      cleanup();
    },
  });

  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' },
  });
}
