/**
 * The OpenAI surface beyond plain chat, direct against the emulator's own OpenAI layer and through
 * Corral: embeddings throughput (inputs/s) at batch sizes 1, 16 and 256, and streamed chat with
 * tools (time to the tool call, whole latency). `pnpm bench:api`; prints a table and JSON.
 */
import { Pool } from 'undici';
import { startCorral, startEmulatorProcess } from './services.ts';
import { summarize } from './stats.ts';

const CONCURRENCY = Number(process.env.BENCH_API_CONCURRENCY ?? 8);
const WINDOW_MS = Number(process.env.BENCH_API_WINDOW_MS ?? 3000);
const BATCH_SIZES = [1, 16, 256];

interface Outcome {
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
  firsts: number[];
}

const sentence = (index: number) => `Input number ${index} describes a lighthouse keeper counting waves at dusk.`;

function embeddingsBody(size: number): string {
  return JSON.stringify({ model: 'all-minilm', input: Array.from({ length: size }, (_, index) => sentence(index)) });
}

const toolsBody = JSON.stringify({
  model: 'llama3.2',
  stream: true,
  messages: [{ role: 'user', content: 'What is the weather in Paris? Use get_weather.' }],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city'] },
      },
    },
  ],
});

/** A closed loop of CONCURRENCY users for WINDOW_MS; `marker` (if given) times its first appearance. */
async function closedLoop(origin: string, path: string, body: string, marker?: string): Promise<Outcome> {
  const pool = new Pool(origin, { connections: CONCURRENCY, pipelining: 1, keepAliveTimeout: 4000 });
  const outcome: Outcome = { requests: 0, errors: 0, seconds: 0, latencies: [], firsts: [] };
  const once = async (record: boolean) => {
    const started = performance.now();
    const response = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body });
    let first: number | undefined;
    for await (const piece of response.body) {
      if (marker && first === undefined && piece.toString().includes(marker)) first = performance.now() - started;
    }
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    if (!record) return;
    outcome.requests++;
    outcome.latencies.push(performance.now() - started);
    if (first !== undefined) outcome.firsts.push(first);
  };
  for (let warm = 0; warm < CONCURRENCY; warm++) await once(false);
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() - startedAt < WINDOW_MS) {
        try {
          await once(true);
        } catch {
          outcome.errors++;
        }
      }
    }),
  );
  outcome.seconds = (performance.now() - startedAt) / 1000;
  await pool.close();
  return outcome;
}

const round = (value: number) => Math.round(value * 100) / 100;

async function main(): Promise<void> {
  const direct = await startEmulatorProcess('emulator-direct', { tokensPerReply: 16, tokenDelayMs: 10 });
  const behind = await startEmulatorProcess('emulator-corral', { tokensPerReply: 16, tokenDelayMs: 10 });
  const corral = await startCorral({ label: 'api', ollamaUrl: behind.url });
  const rows: Record<string, unknown>[] = [];
  try {
    for (const size of BATCH_SIZES) {
      const body = embeddingsBody(size);
      for (const [path, origin] of [['direct', direct.url], ['corral', corral.stack.edgeUrl]] as const) {
        const outcome = await closedLoop(origin, '/v1/embeddings', body);
        const latency = summarize(outcome.latencies);
        rows.push({ workload: `embeddings ×${size}`, path, requestsPerSecond: round(outcome.requests / outcome.seconds), inputsPerSecond: round((outcome.requests * size) / outcome.seconds), latencyP50: round(latency.p50), latencyP99: round(latency.p99), errors: outcome.errors });
      }
    }
    for (const [path, origin] of [['direct', direct.url], ['corral', corral.stack.edgeUrl]] as const) {
      const outcome = await closedLoop(origin, '/v1/chat/completions', toolsBody, '"tool_calls"');
      const latency = summarize(outcome.latencies);
      const first = summarize(outcome.firsts);
      rows.push({ workload: 'chat + tools, streamed', path, requestsPerSecond: round(outcome.requests / outcome.seconds), timeToToolCallP50: round(first.p50), timeToToolCallP99: round(first.p99), latencyP50: round(latency.p50), latencyP99: round(latency.p99), errors: outcome.errors });
    }
  } finally {
    await corral.close();
    await direct.stop();
    await behind.stop();
  }
  console.log(`concurrency ${CONCURRENCY}, window ${WINDOW_MS} ms, emulator 10 ms/token`);
  console.table(rows);
  console.log(JSON.stringify({ concurrency: CONCURRENCY, windowMs: WINDOW_MS, rows }, null, 2));
}

await main();
