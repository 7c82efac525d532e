import type { ResponseSink } from './response-sink.ts';
import { frameEvents, terminatorFrame, type StreamFraming } from './stream-framing.ts';

/**
 * A dialect's stream events on their way to the sink, framed as the dialect declares. The stream
 * starts with the first frame, so an error before anything was produced is still answered with a
 * real HTTP status.
 */
export class FramedStream {
  private started = false;

  constructor(
    private readonly sink: ResponseSink,
    private readonly framing: StreamFraming,
  ) {}

  get hasStarted(): boolean {
    return this.started;
  }

  write(events: readonly unknown[]): void {
    if (events.length === 0) return;
    this.begin();
    this.sink.write(frameEvents(this.framing, events));
  }

  /** The stream finished: its last events, then the dialect's terminator. */
  close(events: readonly unknown[]): void {
    this.begin();
    this.sink.end(frameEvents(this.framing, events) + terminatorFrame(this.framing));
  }

  /** The stream failed after it began: the dialect's failure events end it, with no terminator. */
  fail(events: readonly unknown[]): void {
    this.begin();
    this.sink.end(frameEvents(this.framing, events));
  }

  private begin(): void {
    if (this.started) return;
    this.started = true;
    this.sink.startStream(this.framing);
  }
}
