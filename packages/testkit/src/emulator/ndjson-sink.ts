import type { ServerResponse } from 'node:http';
import type { ChatChunk, GenerateChunk } from '@corral/ollama';
import type { OllamaError } from './errors.ts';
import { ContentType, waitForDrain, writeJson } from './http-io.ts';
import type { NativeSink } from './sink.ts';

/** Ollama's own wire format: NDJSON lines flushed per chunk, or one JSON object. */
export class NdjsonSink implements NativeSink {
  started = false;

  constructor(
    private readonly response: ServerResponse,
    readonly signal: AbortSignal,
  ) {}

  fail(error: OllamaError): void {
    writeJson(this.response, error.status, { error: error.message });
  }

  json(body: ChatChunk | GenerateChunk): void {
    writeJson(this.response, 200, body);
  }

  chunk(chunk: ChatChunk | GenerateChunk): boolean {
    if (!this.started) {
      this.started = true;
      this.response.writeHead(200, { 'Content-Type': ContentType.ndjson });
    }
    return this.response.write(`${JSON.stringify(chunk)}\n`);
  }

  drain(): Promise<void> {
    return waitForDrain(this.response);
  }

  streamError(message: string): void {
    this.response.end(`${JSON.stringify({ error: message })}\n`);
  }

  end(): void {
    this.response.end();
  }
}
