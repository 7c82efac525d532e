import { Pool } from 'undici';
import { OPENAI_CHAT_WIRE, StreamWatcher, type WireMarkers } from './sse.ts';

/** Where the load goes: one HTTP origin, one path, fixed headers. */
export interface Target {
  readonly label: string;
  readonly origin: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** How the answers read (default: OpenAI chat completions). */
  readonly wire?: WireMarkers;
}

export interface Phase {
  concurrency: number;
  stream: boolean;
  body: string;
  /** Unrecorded load before the measurement, so every connection and JIT path is warm. */
  warmupMs: number;
  /** The measurement lasts at least this long… */
  durationMs: number;
  /** …and until this many requests completed… */
  minRequests: number;
  /** …but never longer than this. */
  maxDurationMs: number;
}

/** Called when the measurement window opens and when it closes (e.g. to read CPU counters). */
export interface PhaseHooks {
  onWindowStart?(): void;
  onWindowEnd?(): void;
}

export interface PhaseResult {
  /** Requests that started inside the measurement window and completed. */
  completed: number;
  /** Of those, the ones that completed before the window closed (the throughput count). */
  completedInWindow: number;
  errors: number;
  firstError: string | undefined;
  /** Length of the measurement window (no request starts after it). */
  windowMs: number;
  /** Completions inside the window per second. */
  requestsPerSecond: number;
  /** ms from sending the request to the last byte of the response. */
  latencies: number[];
  /** ms from sending the request to the first content token (the whole response when not streamed). */
  ttfts: number[];
  /** Each request's [sent, first content, last byte], on CLOCK_MONOTONIC in ms (what `perf record -k CLOCK_MONOTONIC` stamps). */
  timings: Array<[number, number, number]>;
}

/** performance.now() + this = CLOCK_MONOTONIC in ms (process.hrtime reads that clock). */
const monotonicOffsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();

/** A keep-alive connection pool per target, with a connection for every virtual user. */
export function openPool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    // Below every server's idle timeout (Node's default is 5 s), so no request races a server-side close.
    keepAliveTimeout: 4000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
}

interface Sample {
  startedAt: number;
  finishedAt: number;
  firstContentAt: number;
}

/** One request; resolves with its timings or rejects with a readable reason. */
async function issue(pool: Pool, target: Target, body: string, stream: boolean): Promise<Sample> {
  const startedAt = performance.now();
  const response = await pool.request({ path: target.path, method: 'POST', headers: target.headers, body });
  if (response.statusCode !== 200) {
    const text = await response.body.text().catch(() => '');
    throw new Error(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
  }
  if (!stream) {
    const text = await response.body.text();
    const finishedAt = performance.now();
    if (!text.includes((target.wire ?? OPENAI_CHAT_WIRE).content)) throw new Error(`a completion without content: ${text.slice(0, 200)}`);
    return { startedAt, finishedAt, firstContentAt: finishedAt };
  }
  const watcher = new StreamWatcher(target.wire);
  let firstContentAt = Number.NaN;
  response.body.setEncoding('utf8');
  for await (const piece of response.body as AsyncIterable<string>) {
    if (watcher.push(piece)) firstContentAt = performance.now();
  }
  const finishedAt = performance.now();
  if (!watcher.sawContent) throw new Error('a stream without content');
  if (!watcher.sawDone) throw new Error(`a stream that did not end with ${(target.wire ?? OPENAI_CHAT_WIRE).done}`);
  return { startedAt, finishedAt, firstContentAt };
}

/**
 * A closed loop: `concurrency` virtual users, each sending its next request as soon as the previous
 * one is answered. Warm-up first, then the measurement window; requests still running when the
 * window closes are finished and recorded (they started inside it), but none starts after it.
 */
export async function runPhase(pool: Pool, target: Target, phase: Phase, hooks: PhaseHooks = {}): Promise<PhaseResult> {
  const warmupEndsAt = performance.now() + phase.warmupMs;
  let windowStart = Number.NaN;
  let windowEnd = Number.NaN;
  let completedInWindow = 0;
  let errors = 0;
  let firstError: string | undefined;
  const samples: Sample[] = [];

  const closeWindowIfDue = (now: number) => {
    if (!Number.isNaN(windowEnd) || Number.isNaN(windowStart)) return;
    const elapsed = now - windowStart;
    if ((elapsed >= phase.durationMs && samples.length >= phase.minRequests) || elapsed >= phase.maxDurationMs) {
      windowEnd = now;
      hooks.onWindowEnd?.();
    }
  };

  const user = async () => {
    for (;;) {
      const now = performance.now();
      if (Number.isNaN(windowStart) && now >= warmupEndsAt) {
        windowStart = now;
        hooks.onWindowStart?.();
      }
      closeWindowIfDue(now);
      if (!Number.isNaN(windowEnd)) return;
      const measured = !Number.isNaN(windowStart);
      try {
        const sample = await issue(pool, target, phase.body, phase.stream);
        if (measured) {
          samples.push(sample);
          if (Number.isNaN(windowEnd) || sample.finishedAt <= windowEnd) completedInWindow++;
        }
      } catch (error) {
        errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        // An error answered at once would otherwise spin this loop as fast as it can.
        if (errors > 1000) throw new Error(`${target.label}: too many errors; first: ${firstError}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  };

  await Promise.all(Array.from({ length: phase.concurrency }, user));
  const windowMs = windowEnd - windowStart;
  return {
    completed: samples.length,
    completedInWindow,
    errors,
    firstError,
    windowMs,
    requestsPerSecond: windowMs > 0 ? (completedInWindow * 1000) / windowMs : 0,
    latencies: samples.map((sample) => sample.finishedAt - sample.startedAt),
    ttfts: samples.map((sample) => sample.firstContentAt - sample.startedAt),
    timings: samples.map((sample) => [sample.startedAt + monotonicOffsetMs, sample.firstContentAt + monotonicOffsetMs, sample.finishedAt + monotonicOffsetMs]),
  };
}
