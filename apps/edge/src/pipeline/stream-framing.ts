/** How a streamed answer is cut into frames on the wire. */
export const FrameFormat = {
  /** `data: <json>\n\n`: OpenAI's chat and completions streams. */
  SseData: 'sse-data',
  /** `event: <type>\ndata: <json>\n\n`: the Responses API's and Anthropic's streams (each event has a `type`). */
  SseEvent: 'sse-event',
  /** `<json>\n`: Ollama's native API. */
  Ndjson: 'ndjson',
} as const;
export type FrameFormat = (typeof FrameFormat)[keyof typeof FrameFormat];

export interface StreamFraming {
  readonly format: FrameFormat;
  /** The data of the last frame of a stream that finished (OpenAI's `[DONE]`); not sent after a failure. */
  readonly terminator?: string;
}

const CONTENT_TYPES: Record<FrameFormat, string> = {
  [FrameFormat.SseData]: 'text/event-stream; charset=utf-8',
  [FrameFormat.SseEvent]: 'text/event-stream; charset=utf-8',
  [FrameFormat.Ndjson]: 'application/x-ndjson',
};

export function streamContentType(framing: StreamFraming): string {
  return CONTENT_TYPES[framing.format];
}

/**
 * An event that is already JSON text (one object, no newline): framed as it is instead of encoded
 * again, so a worker's native line reaches an Ollama client byte for byte.
 */
export class EncodedEvent {
  constructor(
    readonly json: string,
    /** The event's type, for SseEvent framing. */
    readonly type?: string,
  ) {}
}

function frame(format: FrameFormat, event: unknown): string {
  const json = event instanceof EncodedEvent ? event.json : JSON.stringify(event);
  switch (format) {
    case FrameFormat.SseData:
      return `data: ${json}\n\n`;
    case FrameFormat.SseEvent:
      return `event: ${(event as { type: string }).type}\ndata: ${json}\n\n`;
    case FrameFormat.Ndjson:
      return `${json}\n`;
  }
}

/** Several events in one string, so a batch of them goes out in one socket write. */
export function frameEvents(framing: StreamFraming, events: readonly unknown[]): string {
  let frames = '';
  for (const event of events) frames += frame(framing.format, event);
  return frames;
}

/** The frame that ends a finished stream, when the dialect has one. */
export function terminatorFrame(framing: StreamFraming): string {
  if (framing.terminator === undefined) return '';
  return framing.format === FrameFormat.Ndjson ? `${framing.terminator}\n` : `data: ${framing.terminator}\n\n`;
}
