import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchRecord, BatchWorkLine, UsageEvent } from '@corral/protocol';
import type { EdgeContext } from '../context.ts';
import { chatCompletionsDialect } from '../dialects/openai/chat-completions.ts';
import { completionsDialect } from '../dialects/openai/completions.ts';
import { embeddingsDialect } from '../dialects/openai/embeddings.ts';
import { responsesDialect } from '../dialects/openai/responses.ts';
import type { Dialect } from '../pipeline/dialect.ts';
import { runGeneration } from '../pipeline/generate.ts';
import { CollectingSink } from '../pipeline/response-sink.ts';
import { UsageGate } from './usage-gate.ts';

/** A line's final answer, as its output line records it. */
export interface LineAnswer {
  statusCode: number;
  body: unknown;
  inputTokens: number;
  outputTokens: number;
  /** The line's usage event, for its runner to publish with its unit's (none when no generation ran). */
  usage: UsageEvent | undefined;
}

/** Failures that are the fleet's, not the line's, get this many tries; "no capacity now" is waited out without limit. */
const MAX_FAULT_ATTEMPTS = 5;
const FAULT_BACKOFF_MS = [250, 1000, 3000, 8000];
/** Pause before asking again for capacity the fleet did not have. */
const CAPACITY_BACKOFF_MS = 200;

/**
 * Runs batch lines through the same generation pipeline as HTTP requests (auth as the batch's key,
 * budget, model access and overrides, routing, failover), collecting each answer and its usage event
 * instead of writing the one to a socket and publishing the other: a unit's events travel together.
 * Jobs travel in the batch lane (idle capacity only). An answer that says "try later" — no worker
 * free, a worker lost, the bus away — is not the line's answer: the line waits and runs again, and
 * only its final attempt is charged.
 */
export class LineRunner {
  private readonly gate: UsageGate;
  private readonly dialects: ReadonlyMap<string, Dialect<unknown, unknown>>;

  constructor(context: EdgeContext) {
    this.gate = new UsageGate(context.usage);
    const lineContext: EdgeContext = { ...context, usage: this.gate };
    this.context = lineContext;
    this.dialects = new Map<string, Dialect<unknown, unknown>>([
      ['/v1/chat/completions', chatCompletionsDialect(lineContext) as Dialect<unknown, unknown>],
      ['/v1/completions', completionsDialect(lineContext) as Dialect<unknown, unknown>],
      ['/v1/embeddings', embeddingsDialect(lineContext) as Dialect<unknown, unknown>],
      ['/v1/responses', responsesDialect(lineContext) as Dialect<unknown, unknown>],
    ]);
  }

  private readonly context: EdgeContext;

  /**
   * The line's final answer; undefined when `signal` fired first (the edge is stopping: the unit is
   * run again elsewhere) or `shouldStop` says the batch no longer wants it.
   */
  async run(batch: BatchRecord, line: BatchWorkLine, requestId: string, signal: AbortSignal, shouldStop: () => boolean): Promise<LineAnswer | undefined> {
    const dialect = this.dialects.get(batch.endpoint);
    if (!dialect) return { statusCode: 400, body: { error: { message: `Unsupported endpoint ${batch.endpoint}.`, type: 'invalid_request_error', param: 'url', code: 'invalid_url' } }, inputTokens: 0, outputTokens: 0, usage: undefined };
    let faults = 0;
    for (;;) {
      if (signal.aborted) return undefined;
      const attempt = await this.attempt(dialect, batch, line, requestId, signal);
      if (attempt === undefined) return undefined;
      const { answer } = attempt;
      const verdict = retryVerdict(answer);
      if (verdict === 'final' || (verdict === 'fault' && ++faults >= MAX_FAULT_ATTEMPTS)) return answer;
      if (shouldStop()) return undefined;
      this.context.logger.debug({ requestId, status: answer.statusCode, verdict, error: errorCodeOf(answer.body) }, 'batch line will run again');
      try {
        await sleep(verdict === 'capacity' ? CAPACITY_BACKOFF_MS : FAULT_BACKOFF_MS[Math.min(faults - 1, FAULT_BACKOFF_MS.length - 1)]!, undefined, { signal });
      } catch {
        return undefined;
      }
    }
  }

  private async attempt(dialect: Dialect<unknown, unknown>, batch: BatchRecord, line: BatchWorkLine, requestId: string, signal: AbortSignal): Promise<{ answer: LineAnswer } | undefined> {
    let event: UsageEvent | undefined;
    const release = this.gate.expect(requestId, (recorded) => (event = recorded));
    const sink = new CollectingSink();
    try {
      await runGeneration(this.context, dialect, { endpoint: batch.endpoint, requestId, headers: {}, body: unstreamed(line.body), signal, keyId: batch.keyId, lane: 'batch' }, sink);
    } finally {
      release();
    }
    const collected = sink.answer;
    if (signal.aborted || collected?.kind !== 'json') return undefined;
    return {
      answer: { statusCode: collected.status, body: collected.body, inputTokens: event?.promptTokens ?? 0, outputTokens: event?.completionTokens ?? 0, usage: event },
    };
  }
}

/**
 * A streamed answer is what a batch cannot hold: a line asking for one gets the same answer whole,
 * exactly what the endpoint returns with `stream: false` (its usage included).
 */
function unstreamed(body: Record<string, unknown>): Record<string, unknown> {
  if (body.stream !== true && body.stream_options === undefined) return body;
  const { stream: _stream, stream_options: _options, ...rest } = body;
  return rest;
}

/** `capacity`: the fleet had no room (wait, untried). `fault`: the fleet failed it (a few tries). `final`: the line's own answer. */
function retryVerdict(answer: LineAnswer): 'final' | 'capacity' | 'fault' {
  const { statusCode } = answer;
  if (statusCode === 503) return 'capacity';
  if (statusCode === 429) return errorCodeOf(answer.body) === 'insufficient_quota' ? 'final' : 'capacity';
  if (statusCode >= 500) return 'fault';
  return 'final';
}

function errorCodeOf(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}
