import { Pool } from 'undici';
import { EMBED_MODEL } from './inputs.ts';

export interface DirectRun {
  callSize: number;
  inputs: number;
  calls: number;
  seconds: number;
  inputsPerSecond: number;
  /** The vectors by input index (only when asked to keep them). */
  vectors: number[][] | undefined;
}

interface EmbedAnswer {
  embeddings: number[][];
}

/**
 * The baseline: `inputs` sent straight to the emulators' /api/embed in calls of `callSize`, dealt
 * round-robin, each emulator with `inFlight` calls at once (so its one embedding slot never waits
 * for the next call to arrive). What a hand-written client that knows the fleet would do.
 */
export async function embedDirect(
  emulatorUrls: readonly string[],
  inputs: readonly string[],
  options: { callSize: number; inFlight: number; dimensions: number; keepVectors: boolean },
): Promise<DirectRun> {
  const { callSize, inFlight, dimensions } = options;
  const calls: { start: number; end: number }[] = [];
  for (let start = 0; start < inputs.length; start += callSize) calls.push({ start, end: Math.min(inputs.length, start + callSize) });
  const queues = emulatorUrls.map((): { start: number; end: number }[] => []);
  calls.forEach((call, index) => queues[index % queues.length]!.push(call));
  const vectors: number[][] | undefined = options.keepVectors ? new Array<number[]>(inputs.length) : undefined;
  const pools = emulatorUrls.map((url) => new Pool(url, { connections: inFlight, pipelining: 1, keepAliveTimeout: 4000, headersTimeout: 600_000, bodyTimeout: 600_000 }));
  const startedAt = performance.now();
  try {
    await Promise.all(
      queues.flatMap((queue, host) =>
        Array.from({ length: inFlight }, async () => {
          for (let call = queue.shift(); call; call = queue.shift()) {
            const body = JSON.stringify({ model: EMBED_MODEL, input: inputs.slice(call.start, call.end), dimensions });
            const response = await pools[host]!.request({ method: 'POST', path: '/api/embed', headers: { 'content-type': 'application/json' }, body });
            const answer = (await response.body.json()) as EmbedAnswer;
            if (response.statusCode !== 200) throw new Error(`direct /api/embed: HTTP ${response.statusCode} ${JSON.stringify(answer).slice(0, 200)}`);
            if (answer.embeddings.length !== call.end - call.start) throw new Error(`direct /api/embed: ${answer.embeddings.length} vectors for ${call.end - call.start} inputs`);
            if (vectors) answer.embeddings.forEach((vector, offset) => (vectors[call.start + offset] = vector));
          }
        }),
      ),
    );
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
  const seconds = (performance.now() - startedAt) / 1000;
  return { callSize, inputs: inputs.length, calls: calls.length, seconds, inputsPerSecond: inputs.length / seconds, vectors };
}
