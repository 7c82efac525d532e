import type { ChatChunk, GenerateChunk, Logprob, Metrics, ThinkValue, ToolCall } from '@corral/ollama';
import type { EmulatorContext } from './context.ts';
import { OllamaError, RequestCancelled, ErrorText } from './errors.ts';
import type { ReplyPlan, ReplySettings } from './generation.ts';
import { metricsOf } from './metrics.ts';
import { Capability, hasCapability, type CatalogModel } from './models.ts';
import { checkOptions, stopStrings, tokenLimit } from './options-check.ts';
import { PumpOutcome, pumpReply, type Emission } from './pump.ts';
import type { Runner } from './scheduler.ts';
import type { NativeSink } from './sink.ts';
import { Ticker } from './ticker.ts';
import { nowRfc3339Nano } from './time-format.ts';
import type { CompletedRequest } from './types.ts';

/** Everything produced so far; the non-streaming answer and the request log are built from it. */
export interface Aggregate {
  content: string;
  thinking: string;
  toolCalls: ToolCall[];
  logprobs: Logprob[];
}

export type ShortcutReason = 'load' | 'unload';

/** How chat and generate chunks look. */
export interface ChunkShape {
  partial(emission: Emission, createdAt: string): ChatChunk | GenerateChunk;
  shortcut(reason: ShortcutReason, createdAt: string): ChatChunk | GenerateChunk;
  final(aggregate: Aggregate, doneReason: string, metrics: Metrics, createdAt: string): ChatChunk | GenerateChunk;
}

/** A decoded and resolved chat or generate request. */
export interface CompletionJob {
  requestModel: string;
  model: CatalogModel;
  keepAliveMs: number | undefined;
  options: Record<string, unknown> | undefined;
  stream: boolean;
  /** No messages / no prompt: the load (or, with keep_alive 0, unload) shortcut. */
  empty: boolean;
  think: ThinkValue | undefined;
  format: unknown;
  logprobs: boolean;
  topLogprobs: number;
  promptTokens: number;
  /** 400s that Ollama checks after the unload shortcut (capabilities, raw mode). */
  checkRequest(): void;
  plan(settings: ReplySettings): ReplyPlan;
  shape: ChunkShape;
}

const emptyAggregate: Aggregate = { content: '', thinking: '', toolCalls: [], logprobs: [] };

/** The runner's format check (HTTP 500): `"json"`, a schema object, or nothing. */
function checkFormat(format: unknown): void {
  if (format === undefined || format === null || format === '' || format === 'json') return;
  if (typeof format === 'object' && !Array.isArray(format)) return;
  const raw = JSON.stringify(format);
  throw new OllamaError(500, `invalid format: ${JSON.stringify(raw)}; expected "json" or a valid JSON Schema object`);
}

function wantsThinking(think: ThinkValue | undefined): boolean {
  return think !== undefined && think !== false;
}

function collect(aggregate: Aggregate, emission: Emission): void {
  if (emission.content) aggregate.content += emission.content;
  if (emission.thinking) aggregate.thinking += emission.thinking;
  if (emission.toolCalls) aggregate.toolCalls.push(...emission.toolCalls);
  if (emission.logprobs) aggregate.logprobs.push(...emission.logprobs);
}

async function generate(
  context: EmulatorContext,
  job: CompletionJob,
  sink: NativeSink,
  record: CompletedRequest,
  startedAt: number,
  runnerAt: number,
  runner: Runner,
): Promise<void> {
  const { settings } = context;
  const slotAt = performance.now();
  const thinking = hasCapability(job.model, Capability.thinking) && job.think !== false;
  const plan = job.plan({ tokensPerReply: settings.tokensPerReply, thinking });
  record.promptEvalCount = job.promptTokens;
  const aggregate: Aggregate = { content: '', thinking: '', toolCalls: [], logprobs: [] };
  const ticker = new Ticker(() => settings.tokenDelayMs);
  const onAbort = (): void => ticker.cancel();
  sink.signal.addEventListener('abort', onAbort, { once: true });
  const evalStartAt = performance.now();
  try {
    const result = await pumpReply(
      plan,
      {
        ticker,
        signal: sink.signal,
        tokenLimit: tokenLimit(job.options),
        stops: stopStrings(job.options),
        logprobs: job.logprobs,
        topLogprobs: job.topLogprobs,
        failAfterTokens: settings.failAfterTokens,
      },
      (emission) => {
        collect(aggregate, emission);
        if (job.stream && !sink.chunk(job.shape.partial(emission, nowRfc3339Nano()))) return sink.drain();
        return undefined;
      },
    );
    record.evalCount = result.evalCount;
    if (result.outcome === PumpOutcome.cancelled) throw new RequestCancelled();
    if (result.outcome === PumpOutcome.failed) throw new OllamaError(500, ErrorText.runnerFailure);
    const metrics = metricsOf({
      startedAt,
      runnerAt,
      slotAt,
      evalStartAt,
      endedAt: performance.now(),
      promptEvalCount: job.promptTokens,
      evalCount: result.evalCount,
    });
    record.doneReason = result.outcome;
    if (job.stream) {
      sink.chunk(job.shape.final(emptyAggregate, result.outcome, metrics, nowRfc3339Nano()));
      sink.end();
    } else {
      sink.json(job.shape.final(aggregate, result.outcome, metrics, nowRfc3339Nano()));
    }
  } finally {
    sink.signal.removeEventListener('abort', onAbort);
    record.content = aggregate.content;
    record.thinking = aggregate.thinking;
    record.toolCalls = aggregate.toolCalls;
    runner.slots.release();
  }
}

async function run(
  context: EmulatorContext,
  job: CompletionJob,
  sink: NativeSink,
  record: CompletedRequest,
  startedAt: number,
): Promise<void> {
  const { scheduler } = context;
  if (job.empty && job.keepAliveMs === 0) {
    scheduler.expire(job.model);
    record.doneReason = 'unload';
    sink.json(job.shape.shortcut('unload', nowRfc3339Nano()));
    return;
  }
  job.checkRequest();
  checkOptions(job.options);
  const numCtx = job.options?.num_ctx;
  const runner = await scheduler.acquire(job.model, {
    keepAliveMs: job.keepAliveMs,
    numCtx: typeof numCtx === 'number' ? numCtx : undefined,
    signal: sink.signal,
  });
  try {
    const runnerAt = performance.now();
    if (job.empty) {
      record.doneReason = 'load';
      sink.json(job.shape.shortcut('load', nowRfc3339Nano()));
      return;
    }
    if (wantsThinking(job.think) && !hasCapability(job.model, Capability.thinking)) {
      throw new OllamaError(400, `${JSON.stringify(job.requestModel)} does not support thinking`);
    }
    checkFormat(job.format);
    await runner.slots.acquire(sink.signal);
    await generate(context, job, sink, record, startedAt, runnerAt, runner);
  } finally {
    scheduler.release(runner);
  }
}

/** Reports a failure the way Ollama's streamResponse does: real status before the first byte, in-band after. */
function report(error: unknown, sink: NativeSink, record: CompletedRequest): void {
  const failure = error instanceof OllamaError ? error : new OllamaError(500, String(error));
  if (failure instanceof RequestCancelled || sink.signal.aborted) {
    record.cancelled = true;
    record.status = sink.started ? 200 : 499;
    if (!sink.started) sink.fail(new RequestCancelled());
    return;
  }
  record.error = failure.message;
  if (sink.started) {
    record.status = 200;
    sink.streamError(failure.message);
  } else {
    record.status = failure.status;
    sink.fail(failure);
  }
}

/**
 * Runs /api/chat or /api/generate end to end and finishes the record (begun by the caller).
 * `prepare` decodes and resolves the request; its errors are answered like any other.
 */
export async function handleCompletion(
  context: EmulatorContext,
  record: CompletedRequest,
  sink: NativeSink,
  prepare: () => CompletionJob,
): Promise<void> {
  const startedAt = performance.now();
  try {
    const job = prepare();
    record.stream = job.stream;
    await run(context, job, sink, record, startedAt);
  } catch (error) {
    report(error, sink, record);
  } finally {
    context.log.finish(record);
  }
}
