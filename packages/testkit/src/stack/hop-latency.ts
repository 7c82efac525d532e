// What one hop between two processes costs on this machine, for benchmarks to calibrate against:
// a TCP round trip (echo over loopback) and a NATS round trip (publish with a reply subject through
// the server, answered by another process), back to back and after idle gaps (an idle CPU wakes
// up slower). Run as a process (startService); prints one line: `hop-latency {json}`.
//   NATS_URL, HOP_PREFIX (subject prefix), HOP_SAMPLES (per gap, default 300), HOP_GAPS_MS (default 0,10)
import { connectBus } from '@corral/bus';
import { fork } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const prefix = process.env.HOP_PREFIX ?? `hop${process.pid}`;
const subject = `${prefix}.hop.echo`;

async function respond(): Promise<void> {
  const bus = await connectBus({ servers: natsUrl, name: `${prefix}-echo`, prefix });
  bus.nc.subscribe(subject, {
    callback: (error, msg) => {
      if (!error && msg.reply) bus.publishRaw(msg.reply, msg.data);
    },
  });
  await bus.nc.flush();
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (data) => socket.write(data));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  process.on('disconnect', () => process.exit(0));
}

interface Percentiles {
  p50: number;
  p99: number;
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN) * 1000) / 1000;
  return { p50: at(50), p99: at(99) };
}

async function measure(): Promise<void> {
  const samples = Number(process.env.HOP_SAMPLES ?? 300);
  const gaps = (process.env.HOP_GAPS_MS ?? '0,10').split(',').map(Number);
  const responder = fork(fileURLToPath(import.meta.url), ['respond'], { execArgv: process.execArgv, env: process.env });
  const { port } = await new Promise<{ port: number }>((resolve) => responder.once('message', (message) => resolve(message as { port: number })));
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const bus = await connectBus({ servers: natsUrl, name: `${prefix}-probe`, prefix });
  const result: { tcpMs: Record<string, Percentiles>; natsMs: Record<string, Percentiles> } = { tcpMs: {}, natsMs: {} };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  try {
    for (const gap of gaps) {
      const tcp: number[] = [];
      const nats: number[] = [];
      for (let index = 0; index < samples; index++) {
        if (gap > 0) await pause(gap);
        let started = performance.now();
        socket.write('x');
        await new Promise((resolve) => socket.once('data', resolve));
        tcp.push(performance.now() - started);
        if (gap > 0) await pause(gap);
        started = performance.now();
        await new Promise<void>((resolve) => {
          const stream = bus.openStream(subject, 'x', () => {
            stream.close();
            resolve();
          });
        });
        nats.push(performance.now() - started);
      }
      // The first few of each series pay for connection and JIT warm-up.
      result.tcpMs[`gap${gap}ms`] = percentiles(tcp.slice(Math.min(20, samples >> 2)));
      result.natsMs[`gap${gap}ms`] = percentiles(nats.slice(Math.min(20, samples >> 2)));
    }
  } finally {
    socket.destroy();
    await bus.close();
    responder.kill();
  }
  process.stdout.write(`hop-latency ${JSON.stringify(result)}\n`);
}

if (process.argv[2] === 'respond') await respond();
else await measure();
