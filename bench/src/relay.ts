// A do-nothing TCP relay, run as its own process: three of them in a row stand where edge,
// nats-server and worker stand on the Corral path, so the bench can show what the process hops
// alone cost on this machine (the floor under any gateway of that shape).
//   RELAY_PORT: where to listen; RELAY_TARGET: host:port to forward every connection to.
//   RELAY_TAP=1: also print `tap <connection> up|down <µs>` for the first bytes of each request
//   (client → target) and of its answer (target → client), on the monotonic clock that
//   process.hrtime shares across processes; trace.ts lines these up into a latency breakdown.
import net from 'node:net';

const port = Number(process.env.RELAY_PORT ?? 0);
const [host = '127.0.0.1', targetPort = ''] = (process.env.RELAY_TARGET ?? '').split(':');
if (!targetPort) {
  process.stderr.write('RELAY_TARGET=host:port is required\n');
  process.exit(2);
}

const tap = process.env.RELAY_TAP === '1';
const nowUs = () => process.hrtime.bigint() / 1000n;
let connections = 0;

const server = net.createServer((client) => {
  const upstream = net.connect(Number(targetPort), host);
  // Like the real services: small frames go out at once.
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  if (tap) {
    const connection = ++connections;
    // One request at a time per connection (HTTP/1.1 keep-alive without pipelining): the first
    // bytes up after an answer start the next request; the first bytes down answer it.
    let direction: 'up' | 'down' = 'down';
    client.on('data', () => {
      if (direction === 'down') process.stdout.write(`tap ${connection} up ${nowUs()}\n`);
      direction = 'up';
    });
    upstream.on('data', () => {
      if (direction === 'up') process.stdout.write(`tap ${connection} down ${nowUs()}\n`);
      direction = 'down';
    });
  }
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`relay listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
