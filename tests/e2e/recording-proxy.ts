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
 * A chunk line with the text of its token spelled as `\u` escapes: the same JSON value in bytes no
 * encoder of a parsed object writes, as Go's `\u003c` for `<` is. A gateway that re-encodes chunks
 * instead of passing their lines on changes these bytes.
 */
export function spellTokenEscaped(line: string): string {
  if (!line.includes('"done":false')) return line;
  const chunk = JSON.parse(line) as { message?: { content?: string }; response?: string };
  const token = chunk.message?.content || chunk.response;
  if (!token) return line;
  const escaped = `"${[...token].map((character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
  return line.replace(JSON.stringify(token), () => escaped);
}

/**
 * A transparent HTTP proxy in front of an Ollama that keeps the bytes of every answer it passes
 * on, so a test can compare what a client got with exactly what Ollama wrote. With `rewriteLine`,
 * each line of an NDJSON answer is passed on (and recorded) rewritten.
 */
export async function startRecordingProxy(target: string, rewriteLine?: (line: string) => string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const recorded: RecordedAnswer[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const proxied = forward(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (answer) => {
        const rewriting = rewriteLine !== undefined && String(answer.headers['content-type']).includes('ndjson');
        const headers = { ...answer.headers };
        if (rewriting) delete headers['content-length'];
        outgoing.writeHead(answer.statusCode ?? 502, headers);
        let body = '';
        let pending = '';
        const pass = (text: string) => {
          body += text;
          outgoing.write(text);
        };
        answer.setEncoding('utf8');
        answer.on('data', (piece: string) => {
          if (!rewriting) return pass(piece);
          const lines = (pending + piece).split('\n');
          pending = lines.pop()!;
          for (const line of lines) pass(`${rewriteLine(line)}\n`);
        });
        answer.on('end', () => {
          if (pending) pass(rewriting ? rewriteLine(pending) : pending);
          recorded.push({ path: incoming.url ?? '', status: answer.statusCode ?? 0, body });
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
