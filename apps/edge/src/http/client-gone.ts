import type { ServerResponse } from 'node:http';

/** An AbortSignal that fires when the client disconnects before the response was finished. */
export function clientGoneSignal(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new Error('client disconnected'));
  });
  return controller.signal;
}
