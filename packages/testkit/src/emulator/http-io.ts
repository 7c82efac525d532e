import type { IncomingMessage, ServerResponse } from 'node:http';

export const ContentType = {
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson',
  eventStream: 'text/event-stream',
  text: 'text/plain; charset=utf-8',
  plain: 'text/plain',
} as const;

/** Reads the whole request body as UTF-8. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
    // A client that leaves mid-body may not produce 'error'; never leave the promise hanging.
    request.on('close', () => {
      if (!request.complete) reject(new Error('request body aborted'));
    });
  });
}

export function writeJson(response: ServerResponse, status: number, body: unknown, contentType: string = ContentType.json): void {
  if (response.headersSent || response.destroyed) {
    if (!response.writableEnded) response.end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

export function writeText(response: ServerResponse, status: number, text: string, contentType: string = ContentType.text): void {
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

/** Resolves when the response can take more data, or when the client is gone. */
export function waitForDrain(response: ServerResponse): Promise<void> {
  if (response.destroyed || response.writableEnded) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
