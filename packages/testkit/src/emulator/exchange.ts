import type { IncomingMessage, ServerResponse } from 'node:http';

/** One HTTP request being served. */
export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** Aborted when the client disconnects before the response is complete. */
  signal: AbortSignal;
  /** Path without the query string. */
  path: string;
}
