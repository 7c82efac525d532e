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

function frame(format: FrameFormat, event: unknown): string {
  switch (format) {
    case FrameFormat.SseData:
      return `data: ${JSON.stringify(event)}\n\n`;
    case FrameFormat.SseEvent:
      return `event: ${(event as { type: string }).type}\ndata: ${JSON.stringify(event)}\n\n`;
    case FrameFormat.Ndjson:
      return `${JSON.stringify(event)}\n`;
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
