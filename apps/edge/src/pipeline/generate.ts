import type { JobLane } from '@corral/protocol';
import type { IncomingHeaders } from '../auth/authenticate.ts';
import type { EdgeContext } from '../context.ts';
import { FailureKind, toHttpError, type HttpError } from '../errors/http-error.ts';
import { forEachChoiceEvent, tokenChunkTest } from './choice-events.ts';
import type { Aggregate, Dialect, EventStream, Generation } from './dialect.ts';
import { Exchange } from './exchange.ts';
import { FanOut } from './fan-out.ts';
import { FramedStream } from './framed-stream.ts';
import { jobSpec } from './job-spec.ts';
import type { ServedRequest } from './interactive-load.ts';
import type { ResponseSink } from './response-sink.ts';

/** One request to generate, as plain values: nothing here depends on how it arrived. */
export interface GenerationInput {
  /** The endpoint it is accounted under (`/v1/chat/completions`). */
  endpoint: string;
  requestId: string;
  /** Its headers, lower-case as Node delivers them: the API key, `traceparent`. */
  headers: IncomingHeaders;
  /** The body, parsed as JSON. */
  body: unknown;
  /** Fires when whoever asked is gone (the client disconnected): the jobs are cancelled, nothing more is written. */
  signal: AbortSignal;
  /**
   * A request that did not come with a key of its own (a batch line) runs as this key, by id ('' for
   * the anonymous caller of an edge without auth); `headers` then carry no credentials.
   */
  keyId?: string;
  /** `batch` for a batch line: idle capacity only, no request-rate limits (see Exchange). */
  lane?: JobLane;
}

/**
 * Runs one request of any dialect from arrival to its usage event: authenticates and applies the
 * key's limits, validates the body, resolves the model (alias, access, overrides), fans the native
 * jobs out to workers (failover is the dispatcher's), answers whole or streamed through the sink,
 * cancels the jobs when the caller goes away, and settles usage exactly once. Never throws: every
 * failure is answered in the dialect's error envelope (or, once a stream began, its failure events).
 */
export async function runGeneration<Request, Chunk>(context: EdgeContext, dialect: Dialect<Request, Chunk>, input: GenerationInput, sink: ResponseSink): Promise<void> {
  if (input.lane === 'batch') return new GenerationRun(context, dialect, input, sink).run();
  const served = context.interactive.begin();
  try {
    await new GenerationRun(context, dialect, input, answeredOnFirstOutput(sink, served)).run();
  } finally {
    served.end();
  }
}

/** The sink, telling `served` when the first output goes out: until then a user waits on this edge. */
function answeredOnFirstOutput(sink: ResponseSink, served: ServedRequest): ResponseSink {
  return {
    sendJson(status, body, headers) {
      served.answered();
      sink.sendJson(status, body, headers);
    },
    startStream(framing) {
      sink.startStream(framing);
    },
    write(frames) {
      served.answered();
      sink.write(frames);
    },
    end(frames) {
      served.answered();
      sink.end(frames);
    },
  };
}

type TokenChunkTest = (data: Record<string, unknown>) => boolean;

class GenerationRun<Request, Chunk> {
  private readonly exchange: Exchange;
  private readonly stream: FramedStream;
  /** The answer's stream events, once planned: they also say how a stream that began fails. */
  private events: EventStream<Chunk> | undefined;
  /** The parsed request, once it parsed: an error's envelope may name what it asked for. */
  private request: Request | undefined;

  constructor(
    private readonly context: EdgeContext,
    private readonly dialect: Dialect<Request, Chunk>,
    private readonly input: GenerationInput,
    private readonly sink: ResponseSink,
  ) {
    this.exchange = new Exchange(context, input);
    this.stream = new FramedStream(sink, dialect.framing);
  }

  async run(): Promise<void> {
    const { exchange, dialect, input } = this;
    try {
      exchange.authenticate();
      const request = dialect.parse(input.body);
      this.request = request;
      dialect.admit?.(request);
      const { model, stream: streamed } = dialect.describe(request);
      const target = exchange.resolveModel(model);
      exchange.scope.stream = streamed;
      const generation = await dialect.plan(request, target, exchange);
      // The client may have left while the plan waited (image downloads): no job is started for it.
      if (input.signal.aborted) {
        exchange.cancel();
        return;
      }
      const fanOut = new FanOut(
        this.context.dispatcher,
        generation.jobs.map((job, part) => jobSpec(exchange, target, job.kind, job.body, part)),
      );
      const onAbort = () => fanOut.cancel('client disconnected');
      input.signal.addEventListener('abort', onAbort, { once: true });
      try {
        await this.answer(fanOut, generation);
      } catch (error) {
        // A part that failed in translation leaves the others running: they are no longer wanted.
        fanOut.cancel('another part failed');
        throw error;
      } finally {
        // Batch lines share one long-lived signal (their runner's): a listener left behind per line would pile up.
        input.signal.removeEventListener('abort', onAbort);
      }
    } catch (error) {
      this.conclude(error);
    }
  }

  private async answer(fanOut: FanOut, generation: Generation<Chunk>): Promise<void> {
    const isTokenChunk = tokenChunkTest(generation.jobs[0]?.kind ?? 'chat');
    if (generation.answer.stream) {
      this.events = generation.answer.events;
      await this.streamAnswer(fanOut, isTokenChunk, generation.answer.events);
      this.exchange.succeed(200);
      return;
    }
    const body = await this.aggregateAnswer(fanOut, isTokenChunk, generation.answer.aggregate);
    this.exchange.succeed(200);
    this.sink.sendJson(200, body);
  }

  private async streamAnswer(fanOut: FanOut, isTokenChunk: TokenChunkTest, events: EventStream<Chunk>): Promise<void> {
    const emit = (produced: readonly unknown[]) => {
      if (produced.length === 0) return;
      this.exchange.scope.markFirstToken();
      this.stream.write(produced);
    };
    await forEachChoiceEvent<Chunk>(this.exchange, fanOut, isTokenChunk, (part, chunk, final) => {
      if (!final) return emit(events.push(part, chunk));
      const finished = events.finish(part, chunk);
      // Only a part that waits (to store its answer) costs the stream a turn of the event loop.
      return finished instanceof Promise ? finished.then(emit) : emit(finished);
    });
    this.stream.close(events.close());
  }

  private async aggregateAnswer(fanOut: FanOut, isTokenChunk: TokenChunkTest, aggregate: Aggregate<Chunk>): Promise<unknown> {
    await forEachChoiceEvent<Chunk>(this.exchange, fanOut, isTokenChunk, (part, chunk, final, usage) => {
      if (final) aggregate.finish(part, chunk, usage!);
      else aggregate.push(part, chunk);
    });
    this.exchange.scope.markFirstToken();
    return aggregate.result();
  }

  /**
   * How every failed request ends: a cancellation when the caller has gone (the jobs' errors are
   * then only the echo of our own cancel); the dialect's failure events when a stream already
   * began; else the error answered with its status in the dialect's envelope.
   */
  private conclude(error: unknown): void {
    const { exchange } = this;
    if (this.input.signal.aborted) {
      exchange.cancel();
      return;
    }
    const httpError: HttpError = toHttpError(error);
    if (this.stream.hasStarted && this.events) {
      this.stream.fail(this.events.fail(httpError));
      exchange.fail(httpError);
      return;
    }
    if (httpError.status >= 500 && httpError.kind === FailureKind.Internal) this.context.logger.error({ err: error, requestId: exchange.scope.requestId }, 'request failed');
    exchange.fail(httpError);
    const headers: Record<string, string> = httpError.extra.retryAfterSeconds !== undefined ? { 'retry-after': String(httpError.extra.retryAfterSeconds) } : {};
    this.sink.sendJson(this.dialect.errorStatus?.(httpError) ?? httpError.status, this.dialect.renderError(httpError, this.request), headers);
  }
}
