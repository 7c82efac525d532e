// `pnpm --filter @corral/bench trace [--delay 10] [--requests 300] [--tokens 32]`: where Corral's
// time to first token goes, one streamed request at a time. Timestamp taps (relay.ts with
// RELAY_TAP=1) sit between the client and the edge and between the worker and the emulator; every
// process reads the same monotonic clock, so each request splits into: client → edge, edge → NATS →
// worker → emulator (dispatch), the emulator's first token, emulator → worker → NATS → edge
// (return), edge → client. The direct path gets one tap too, so both carry the same extra hop.
import { parseArgs } from 'node:util';
import { openPool, type Target } from './load.ts';
import { startCorral, startEmulatorProcess, startRelays, type RelayChain } from './services.ts';
import { StreamWatcher } from './sse.ts';
import { summarize } from './stats.ts';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { delay: { type: 'string' }, requests: { type: 'string' }, tokens: { type: 'string' }, warmup: { type: 'string' } },
});
const tokenDelayMs = Number(values.delay ?? 10);
const requests = Number(values.requests ?? 300);
const warmups = Number(values.warmup ?? 100);
const tokensPerReply = Number(values.tokens ?? 32);
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const body = JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'Write a short poem about a lighthouse.' }], stream: true });

interface Tapped {
  up: number;
  down: number;
}

/** The taps' request/answer pairs, in order of the request. */
function tapPairs(chain: RelayChain): Tapped[] {
  const open = new Map<string, number>();
  const pairs: Tapped[] = [];
  for (const line of chain.processes[0]!.output().split('\n')) {
    const match = /^tap (\d+) (up|down) (\d+)$/.exec(line);
    if (!match) continue;
    const [, connection = '', direction, time = '0'] = match;
    if (direction === 'up') open.set(connection, Number(time));
    else {
      const up = open.get(connection);
      if (up !== undefined) pairs.push({ up, down: Number(time) });
      open.delete(connection);
    }
  }
  return pairs.sort((a, b) => a.up - b.up);
}

/** First pair whose request went out at or after `time` (µs). */
function firstAfter(pairs: Tapped[], time: number): Tapped | undefined {
  return pairs.find((pair) => pair.up >= time);
}

interface ClientTiming {
  sent: number;
  firstContent: number;
}

async function drive(target: Target, count: number): Promise<ClientTiming[]> {
  const pool = openPool(target.origin, 1);
  const timings: ClientTiming[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const sent = nowUs();
      const response = await pool.request({ path: target.path, method: 'POST', headers: target.headers, body });
      const watcher = new StreamWatcher();
      let firstContent = Number.NaN;
      response.body.setEncoding('utf8');
      for await (const piece of response.body as AsyncIterable<string>) if (watcher.push(piece)) firstContent = nowUs();
      timings.push({ sent, firstContent });
    }
  } finally {
    await pool.close();
  }
  return timings;
}

const row = (label: string, values: number[]) => {
  const summary = summarize(values.map((value) => value / 1000));
  return `  ${label.padEnd(46)} p50 ${summary.p50.toFixed(3).padStart(7)}  p90 ${summary.p90.toFixed(3).padStart(7)}  p99 ${summary.p99.toFixed(3).padStart(7)}  ms`;
};

const settings = { tokensPerReply, tokenDelayMs };
const stops: (() => Promise<void>)[] = [];
try {
  const directEmulator = await startEmulatorProcess('emulator-direct', settings);
  stops.push(() => directEmulator.stop());
  const directTap = await startRelays('tap-direct', directEmulator.url, 1, true);
  stops.push(() => directTap.stop());

  const corralEmulator = await startEmulatorProcess('emulator-corral', settings);
  stops.push(() => corralEmulator.stop());
  const upstreamTap = await startRelays('tap-upstream', corralEmulator.url, 1, true);
  stops.push(() => upstreamTap.stop());
  const corral = await startCorral({ label: 'trace', ollamaUrl: upstreamTap.url });
  stops.push(() => corral.close());
  const edgeTap = await startRelays('tap-edge', corral.stack.edgeUrl, 1, true);
  stops.push(() => edgeTap.stop());

  const headers = { 'content-type': 'application/json' };
  const target = (origin: string): Target => ({ label: origin, origin, path: '/v1/chat/completions', headers });
  process.stderr.write(`${requests} streamed requests one at a time per path (${warmups} warm-ups), ${tokensPerReply} tokens, ${tokenDelayMs} ms/token\n`);
  await drive(target(directTap.url), warmups);
  await drive(target(edgeTap.url), warmups);
  const direct = await drive(target(directTap.url), requests);
  const through = await drive(target(edgeTap.url), requests);
  // The taps print asynchronously; give the last lines a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 300));

  const directPairs = tapPairs(directTap);
  const edgePairs = tapPairs(edgeTap);
  const upstreamPairs = tapPairs(upstreamTap);
  const segments = { directIn: [] as number[], directEmulator: [] as number[], directOut: [] as number[], directTtft: [] as number[] };
  for (const timing of direct) {
    const pair = firstAfter(directPairs, timing.sent);
    if (!pair) continue;
    segments.directIn.push(pair.up - timing.sent);
    segments.directEmulator.push(pair.down - pair.up);
    segments.directOut.push(timing.firstContent - pair.down);
    segments.directTtft.push(timing.firstContent - timing.sent);
  }
  const corralSegments = { in: [] as number[], dispatch: [] as number[], emulator: [] as number[], back: [] as number[], out: [] as number[], ttft: [] as number[] };
  for (const timing of through) {
    const atEdge = firstAfter(edgePairs, timing.sent);
    const atEmulator = atEdge ? firstAfter(upstreamPairs, atEdge.up) : undefined;
    if (!atEdge || !atEmulator) continue;
    corralSegments.in.push(atEdge.up - timing.sent);
    corralSegments.dispatch.push(atEmulator.up - atEdge.up);
    corralSegments.emulator.push(atEmulator.down - atEmulator.up);
    corralSegments.back.push(atEdge.down - atEmulator.down);
    corralSegments.out.push(timing.firstContent - atEdge.down);
    corralSegments.ttft.push(timing.firstContent - timing.sent);
  }
  process.stdout.write(
    [
      `direct (client → tap → emulator), ${segments.directTtft.length} requests:`,
      row('client → tap → emulator (request)', segments.directIn),
      row('emulator: request → first token out', segments.directEmulator),
      row('emulator → tap → client (first content)', segments.directOut),
      row('TTFT', segments.directTtft),
      `corral (client → tap → edge → NATS → worker → tap → emulator), ${corralSegments.ttft.length} requests:`,
      row('client → tap → edge (request)', corralSegments.in),
      row('edge → NATS → worker → tap → emulator (dispatch)', corralSegments.dispatch),
      row('emulator: request → first token out', corralSegments.emulator),
      row('emulator → tap → worker → NATS → edge → tap (return)', corralSegments.back),
      row('tap → client (first content)', corralSegments.out),
      row('TTFT', corralSegments.ttft),
    ].join('\n') + '\n',
  );
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
