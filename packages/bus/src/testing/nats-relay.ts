import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP relay in front of a real NATS server, for tests of what a lost connection does. */
export interface NatsRelay {
  /** Connect here instead of to the server. */
  readonly url: string;
  /** Drops every relayed connection and refuses new ones, as a network partition would. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
}

export async function startNatsRelay(serverUrl: string): Promise<NatsRelay> {
  const target = new URL(serverUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const listening = createServer((client) => {
        const upstream = connect({ host: target.hostname, port: Number(target.port || 4222) });
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => {
        server = listening;
        const address = listening.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const port = await listen(0);
  return {
    url: `nats://127.0.0.1:${port}`,
    cut: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        if (!server?.listening) return resolve();
        server.close(() => resolve());
      }),
    restore: async () => {
      if (!server?.listening) await listen(port);
    },
  };
}
