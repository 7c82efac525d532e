import { createServer, request as forward, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer the proxied Ollama sent, as raw bytes. */
export interface RecordedAnswer {
  path: string;
  status: number;
  body: string;
}

export interface RecordingProxy {
  /** http://HOST:PORT, to hand a worker as its OLLAMA_URL. */
  readonly url: string;
  /** Every answer so far, in the order they ended. */
  answers(): RecordedAnswer[];
  close(): Promise<void>;
}

/**
 * A transparent HTTP proxy in front of an Ollama that keeps the bytes of every answer it passes
 * on, so a test can compare what a client got with exactly what Ollama wrote.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const recorded: RecordedAnswer[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const proxied = forward(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        const pieces: Buffer[] = [];
        answer.on('data', (piece: Buffer) => {
          pieces.push(piece);
          outgoing.write(piece);
        });
        answer.on('end', () => {
          recorded.push({ path: incoming.url ?? '', status: answer.statusCode ?? 0, body: Buffer.concat(pieces).toString('utf8') });
          outgoing.end();
        });
        answer.on('error', () => outgoing.destroy());
      },
    );
    proxied.on('error', () => outgoing.destroy());
    // A client (the worker) that gives up cancels the request to Ollama too.
    outgoing.on('close', () => {
      if (!outgoing.writableFinished) proxied.destroy();
    });
    incoming.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers: () => [...recorded],
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
