import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import type { ResponseSink } from '../pipeline/response-sink.ts';
import { streamContentType, type StreamFraming } from '../pipeline/stream-framing.ts';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The one stream writer of the edge (SSE of either framing, NDJSON), as a response sink over the
 * fastify reply. A stream is sent through `reply.send`, so fastify's hooks and the headers they set
 * (x-request-id, CORS) apply to it as to any answer; it starts with the first frame, so an error
 * before that still gets a real HTTP status.
 */
/**
 * The frames of one streamed answer, pushed as they are made. A bare Readable rather than a
 * PassThrough: a frame then takes one hop to the socket instead of a write, a transform and a read.
 * Object mode passes each frame on as the string it is, so it is not copied into a Buffer first.
 */
class FrameStream extends Readable {
  constructor() {
    super({ objectMode: true });
  }

  override _read(): void {
    // Frames are pushed by the writer; there is nothing to pull.
  }
}

export class ReplySink implements ResponseSink {
  private body: FrameStream | undefined;
  private ended = false;

  constructor(private readonly reply: FastifyReply) {}

  sendJson(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
    if (this.reply.sent) return;
    void this.reply.code(status).headers(headers).type(JSON_CONTENT_TYPE).send(body);
  }

  startStream(framing: StreamFraming): void {
    const body = new FrameStream();
    // A frame written after the client left has nowhere to go; it is not an error of the request.
    body.on('error', () => undefined);
    this.body = body;
    // Frames are small and latency matters more than packet count.
    this.reply.raw.socket?.setNoDelay(true);
    void this.reply
      .code(200)
      .headers({ 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' })
      .type(streamContentType(framing))
      .send(body);
  }

  write(frames: string): void {
    if (this.isOpen()) this.body!.push(frames);
  }

  end(frames?: string): void {
    if (!this.isOpen()) return;
    this.ended = true;
    if (frames !== undefined) this.body!.push(frames);
    this.body!.push(null);
  }

  /** False once the client went away (fastify then destroys the body) or the stream ended. */
  private isOpen(): boolean {
    const body = this.body;
    return body !== undefined && !this.ended && !body.destroyed && !this.reply.raw.destroyed;
  }
}
