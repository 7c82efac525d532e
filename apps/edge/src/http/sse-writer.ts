import type { ServerResponse } from 'node:http';

/**
 * Writes a server-sent-events response on the raw socket. Headers go out with the first frame, so
 * an error before anything was produced can still be answered with a real HTTP status.
 */
export class SseWriter {
  private started = false;

  constructor(
    private readonly response: ServerResponse,
    private readonly extraHeaders: Record<string, string> = {},
    /** Called once right before the headers go out (e.g. to take the response over from the framework). */
    private readonly beforeStart: () => void = () => undefined,
  ) {}

  get hasStarted(): boolean {
    return this.started;
  }

  /** True once the client went away (nothing more can be written). */
  get isClosed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  write(frame: string): void {
    if (this.isClosed) return;
    if (!this.started) this.start();
    this.response.write(frame);
  }

  end(frame?: string): void {
    if (this.isClosed) return;
    if (!this.started) this.start();
    this.response.end(frame);
  }

  private start(): void {
    this.started = true;
    this.beforeStart();
    this.response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      ...this.extraHeaders,
    });
    // Frames are small and latency matters more than packet count.
    this.response.socket?.setNoDelay(true);
  }
}
