import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
  /** Whether this side had still not ended its half of the connection when the answer arrived. */
  clientOpenWhenAnswered: boolean;
}

export interface RawConnection {
  /** The first response on the connection, read by its Content-Length. */
  readonly response: Promise<RawResponse>;
  /** Resolves when the server ends the connection (whether or not this side ended it). */
  readonly serverClosed: Promise<void>;
  readonly socket: Socket;
  close(): void;
}

/**
 * Sends bytes exactly as given on a fresh TCP connection, for requests that HTTP clients refuse to
 * send (oversized headers, odd `Expect`, a declared body that never comes). This side is never
 * ended: the caller decides whether and what to send next.
 */
export function sendRaw(baseUrl: string, bytes: string): RawConnection {
  const url = new URL(baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  let received = Buffer.alloc(0);
  let answered = false;
  const response = new Promise<RawResponse>((resolve, reject) => {
    const tryParse = () => {
      const headerEnd = received.indexOf('\r\n\r\n');
      if (answered || headerEnd < 0) return;
      const [statusLine = '', ...lines] = received.subarray(0, headerEnd).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      const body = received.subarray(headerEnd + 4);
      if (body.length < length) return;
      answered = true;
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body.subarray(0, length).toString('utf8'), clientOpenWhenAnswered: !socket.writableEnded });
    };
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse();
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`connection closed before a whole response arrived: ${JSON.stringify(received.toString('latin1').slice(0, 200))}`)));
  });
  // Swallow the rejection if the caller only cares about the close.
  response.catch(() => undefined);
  const serverClosed = new Promise<void>((resolve) => {
    socket.once('end', () => resolve());
    socket.once('close', () => resolve());
  });
  socket.on('error', () => undefined);
  socket.write(bytes, 'latin1');
  return {
    response,
    serverClosed,
    socket,
    close() {
      socket.destroy();
    },
  };
}
