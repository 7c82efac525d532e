import type { ChatChunk, GenerateChunk } from '@corral/ollama';
import type { OllamaError } from './errors.ts';

/**
 * Where a native handler writes its answer. The HTTP writer produces Ollama's wire format; the
 * OpenAI layer converts the same calls, as Ollama's middleware rewrites the native writes.
 */
export interface NativeSink {
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** True once a streamed chunk was written (errors then go in-band). */
  readonly started: boolean;
  /** An error before anything was written: real status, `{"error": …}` body. */
  fail(error: OllamaError): void;
  /** A whole JSON answer (non-streaming result, load/unload shortcuts). */
  json(body: ChatChunk | GenerateChunk): void;
  /** One streamed chunk; false means wait for drain() before writing more. */
  chunk(chunk: ChatChunk | GenerateChunk): boolean;
  drain(): Promise<void>;
  /** An in-band `{"error": …}` line after streaming started; ends the stream. */
  streamError(message: string): void;
  /** Ends a stream after its final chunk. */
  end(): void;
}
