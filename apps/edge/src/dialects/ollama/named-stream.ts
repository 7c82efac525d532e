import { namedFor, type NativeTarget } from '@corral/ollama';
import { rawChunkLine } from '@corral/protocol';
import type { HttpError } from '../../errors/http-error.ts';
import type { Aggregate, EventStream } from '../../pipeline/dialect.ts';
import type { ModelTarget } from '../../pipeline/exchange.ts';
import { EncodedEvent } from '../../pipeline/stream-framing.ts';
import { ollamaErrorBody } from './errors.ts';

type NativeChunk = Record<string, unknown>;

/**
 * A chunk as the caller gets it: the worker's line itself when the caller asked for the model that
 * ran (Ollama's bytes, escapes and all), else the chunk renamed and encoded again.
 */
function outgoing(chunk: NativeChunk, requestedModel: string): unknown {
  if (chunk.model !== requestedModel) return namedFor(chunk, requestedModel);
  const line = rawChunkLine(chunk);
  return line === undefined ? chunk : new EncodedEvent(line);
}

/**
 * A native stream as Ollama itself writes it: each worker chunk goes out byte for byte as it came —
 * renamed only when the caller asked for an alias (Ollama echoes the model string it was sent) — and a failure
 * after the stream began is one `{"error": "…"}` line, with no `done: true` chunk after it.
 */
export function nativeEventStream(requestedModel: string): EventStream<NativeChunk> {
  return {
    push: (_part, chunk) => [outgoing(chunk, requestedModel)],
    // A final crosses the bus re-encoded by the worker (it read its counts), so it has no line to pass on.
    finish: (_part, chunk) => [namedFor(chunk, requestedModel)],
    close: () => [],
    fail: (error: HttpError) => [ollamaErrorBody(error, requestedModel)],
  };
}

/** A one-job answer gathered whole: `build` turns the job's final chunk (after `push` saw the others) into the body. */
export function singleAnswer(push: (chunk: NativeChunk) => void, build: (final: NativeChunk) => unknown): Aggregate<NativeChunk> {
  let body: unknown;
  return {
    push: (_part, chunk) => push(chunk),
    finish(_part, chunk) {
      body = build(chunk);
    },
    result: () => body,
  };
}

/** The pipeline's resolved model as the native translation takes it. */
export function nativeTarget(target: ModelTarget): NativeTarget {
  return { model: target.model, ...(target.overrides ? { overrides: target.overrides } : {}) };
}
