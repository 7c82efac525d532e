import type { StreamFraming } from './stream-framing.ts';

/**
 * Where the generation pipeline writes an answer. Over HTTP it is the reply; a request that did not
 * come over HTTP (a batch line) hands a sink that collects the answer instead.
 */
export interface ResponseSink {
  /** Answers with one JSON body. */
  sendJson(status: number, body: unknown, headers?: Readonly<Record<string, string>>): void;
  /** Begins a streamed 200 answer; its frames follow. Called once, right before the first frame. */
  startStream(framing: StreamFraming): void;
  /** One or more frames, to be delivered at once (no buffering: a token is waited for). */
  write(frames: string): void;
  /** The last frames; the stream ends. */
  end(frames?: string): void;
}

/** A whole answer as a collecting sink holds it: a JSON body, or every frame of a stream. */
export type CollectedAnswer =
  | { kind: 'json'; status: number; body: unknown; headers: Readonly<Record<string, string>> }
  | { kind: 'stream'; framing: StreamFraming; frames: string; ended: boolean };

/** A sink that keeps the answer in memory, for a request that did not come over HTTP. */
export class CollectingSink implements ResponseSink {
  private collected: CollectedAnswer | undefined;

  get answer(): CollectedAnswer | undefined {
    return this.collected;
  }

  sendJson(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    this.collected ??= { kind: 'json', status, body, headers };
  }

  startStream(framing: StreamFraming): void {
    this.collected ??= { kind: 'stream', framing, frames: '', ended: false };
  }

  write(frames: string): void {
    if (this.collected?.kind === 'stream' && !this.collected.ended) this.collected.frames += frames;
  }

  end(frames = ''): void {
    this.write(frames);
    if (this.collected?.kind === 'stream') this.collected.ended = true;
  }
}
