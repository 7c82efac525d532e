import type { JobKind, Usage } from '@corral/protocol';
import type { HttpError } from '../errors/http-error.ts';
import type { Exchange, ModelTarget } from './exchange.ts';
import type { StreamFraming } from './stream-framing.ts';

/** One native job of a request: the body of an Ollama `/api/chat`, `/api/generate` or `/api/embed` call. */
export interface NativeJob {
  kind: JobKind;
  body: object;
}

/**
 * A streamed answer: native chunks in, the dialect's stream events out, one part (a choice, a
 * prompt × sample, a slice of inputs) at a time. Parts interleave as their jobs answer.
 */
export interface EventStream<Chunk> {
  push(part: number, chunk: Chunk): readonly unknown[];
  /** The part's final chunk (its usage is settled already); may wait, e.g. to store the answer first. */
  finish(part: number, chunk: Chunk): readonly unknown[] | Promise<readonly unknown[]>;
  /** After every part finished: the stream's last events (e.g. a usage chunk). */
  close(): readonly unknown[];
  /** The events that end a stream that failed after it began. */
  fail(error: HttpError): readonly unknown[];
}

/** A whole (non-streamed) answer, gathered from every part's chunks. */
export interface Aggregate<Chunk> {
  push(part: number, chunk: Chunk): void;
  /** The part's final chunk with the worker's exact counts; throwing fails the request (the other parts are cancelled). */
  finish(part: number, chunk: Chunk, usage: Usage): void;
  /** The body to answer with, once every part finished. */
  result(): unknown;
}

/** What a request becomes: its native jobs, in fan-out order, and how their output answers it. */
export interface Generation<Chunk> {
  jobs: readonly NativeJob[];
  answer: { stream: true; events: EventStream<Chunk> } | { stream: false; aggregate: Aggregate<Chunk> };
}

/**
 * What an API dialect supplies to the generation pipeline for one endpoint. The pure parts
 * (validation, translation, chunk conversion) live in the dialect's package; an adapter wires them
 * up, with the I/O its dialect needs (image downloads, stored conversations) in `plan`. Every
 * method throws the edge's HttpError to refuse a request.
 */
export interface Dialect<Request, Chunk = Record<string, unknown>> {
  /** How the dialect's streams are framed. */
  readonly framing: StreamFraming;
  /**
   * The dialect's error envelope (the body of an error answer). `request` is there once the body
   * parsed, for dialects whose messages name what was asked (Ollama's `model "x" not found`).
   */
  renderError(error: HttpError, request?: Request): unknown;
  /** The status of an error answer when the dialect uses its own (Anthropic's 529 for no capacity); else the error's. */
  errorStatus?(error: HttpError): number;
  /** Validates a body into the dialect's request. */
  parse(body: unknown): Request;
  /** The model the request names, and whether it asks for a stream (recorded on its usage row). */
  describe(request: Request): { model: string; stream: boolean };
  /** Refusals the request's shape alone decides (too many choices), before its model is resolved. */
  admit?(request: Request): void;
  /** The native jobs and the answer, for the resolved model. */
  plan(request: Request, target: ModelTarget, exchange: Exchange): Generation<Chunk> | Promise<Generation<Chunk>>;
}
